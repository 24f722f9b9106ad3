import { accountsModel } from '../state/app-model.ts';
import { AppLock } from './app-lock.ts';

/** The app's one lock, over the app's accounts model. */
export const appLock = new AppLock(accountsModel);

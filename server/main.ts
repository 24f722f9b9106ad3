// Placeholder until the verification server lands (issue: "Verification server").
console.log(
  'MFA Companion: the verification server and the PWA are coming; run `npm test` for the OTP toolkit.',
);

/**
 * Draws a QR code as SVG text with the `qrcode` package (the one the server draws enrolment QR
 * codes with), loaded on first use so no screen pays for it before a QR is asked for.
 *
 * Dark modules on white with a four-module quiet zone whatever the colour scheme: scanners
 * expect dark on light.
 *
 * @example container.innerHTML = await qrSvg('otpauth://totp/ACME:ann?secret=…');
 */
export async function qrSvg(text: string): Promise<string> {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toString(text, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 4,
    color: { dark: '#000000', light: '#ffffff' },
  });
}

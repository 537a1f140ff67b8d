/**
 * The plain HTML pages a merchant sees at the end of a custom-mode install. No scripts, no external assets,
 * no tokens, no codes; every interpolated value is escaped.
 */

export interface InstallPage {
  status: number;
  html: string;
}

/** Relative to /oauth/salla/callback: restarts the flow with a fresh state. */
const INSTALL_LINK = 'install';

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function page(status: number, title: string, paragraphs: string[], restartLink = false): InstallPage {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const link = restartLink ? `\n<p><a href="${INSTALL_LINK}">Start the installation again</a></p>` : '';
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}${link}
</body>
</html>
`;
  return { status, html };
}

export const installPages = {
  connected: (storeName?: string): InstallPage =>
    page(200, 'Your store is connected', [
      storeName
        ? `Your store is connected: "${storeName}" is now linked to the Salla–Odoo sync.`
        : 'Your store is connected to the Salla–Odoo sync.',
      'You can close this window.',
    ]),

  stateRefused: (): InstallPage =>
    page(
      400,
      'This installation link is not valid',
      [
        'This link has expired, was already used, or did not start from our installation page ' +
          '(installations started from the Salla App Store cannot be completed here).',
        'Please start the installation from our installation link.',
      ],
      true,
    ),

  badRequest: (): InstallPage =>
    page(
      400,
      'Incomplete answer from Salla',
      ['Salla sent you back without the information needed to finish the installation.'],
      true,
    ),

  denied: (): InstallPage =>
    page(
      400,
      'Installation cancelled',
      ['The app was not authorised on Salla, so nothing was connected.'],
      true,
    ),

  tokenRejected: (): InstallPage =>
    page(
      502,
      'Salla did not accept the authorisation',
      [
        'The authorisation from Salla has expired or was already used, so your store could not be connected.',
        'Please start the installation again.',
      ],
      true,
    ),

  sallaUnavailable: (): InstallPage =>
    page(
      502,
      'Salla could not be reached',
      [
        'We could not complete the installation because Salla did not answer properly.',
        'Please try again in a few minutes.',
      ],
      true,
    ),

  tryAgain: (): InstallPage =>
    page(
      503,
      'Please try again',
      [
        'Your store could not be connected because of a temporary problem on our side.',
        'Please try again in a few minutes.',
      ],
      true,
    ),
};

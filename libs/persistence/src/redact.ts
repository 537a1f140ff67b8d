/** The URI with any password replaced, safe for logs. */
export function redactUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/)([^@/]*)@/, (_m, scheme: string, auth: string) => {
    const user = auth.split(':')[0];
    return `${scheme}${user}:***@`;
  });
}

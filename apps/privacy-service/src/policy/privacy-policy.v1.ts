/**
 * Version 1 of the app's privacy policy, as published to merchants. A new version is a new file added to
 * `policy-versions.ts`; published versions are never edited ("the latest version will always be available").
 */
export const PRIVACY_POLICY_V1 = {
  version: '1',
  effectiveDate: '2026-01-01',
  text: `Privacy policy — Salla ⇄ Odoo sync

What we process: to keep your Salla store and your Odoo ERP in sync we process your store's information,
your Odoo connection settings, and the products, categories, stock levels, orders, customers, shipping
companies and payment methods that pass between them.

Security: access tokens and API keys are stored encrypted, with a key that belongs to your store.

Retention: temporary logs are automatically deleted after a reasonable period (activity and sync logs after
30 days, error reports after 90 days, technical information such as IP address and user agent after 30 days).
We retain configuration data only as long as the App is installed.

Uninstalling: when you uninstall the App, all connection settings are immediately deleted, and no data is kept
except what is legally required.

Your rights: you can request deletion of your stored data, and you can request a copy of your integration
configuration.

Changes: we may update this policy; the latest version will always be available.`,
} as const;

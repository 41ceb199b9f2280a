// The page shell: header with the user's unit, language switch and logout; the navigation for
// the user's role; the main region. Readable at 1366×768 (app.css) and usable by keyboard alone
// (a skip link, real links and buttons, visible focus).
import type { Principal } from '../auth/principal.js';
import { html, raw, type Html } from './html.js';
import type { Key, T } from './i18n/index.js';
import { asset } from './static.js';

export interface Shell {
  t: T;
  who: Principal | null;
  unitName?: string;
  csrf?: string;
  /** The request path, for the language switch and the current navigation entry. */
  path: string;
}

interface NavEntry {
  href: string;
  key: Key;
  roles: readonly Principal['role'][];
}

const STAFF = ['township', 'county', 'admin'] as const;
const MEMBERS = ['agency', 'township', 'county', 'admin'] as const;

export const NAV: readonly NavEntry[] = [
  { href: '/ui/', key: 'nav.dashboard', roles: MEMBERS },
  { href: '/ui/cases', key: 'nav.cases', roles: STAFF },
  { href: '/ui/review', key: 'nav.review', roles: STAFF },
  { href: '/ui/batches', key: 'nav.batches', roles: MEMBERS },
  { href: '/ui/items', key: 'nav.items', roles: MEMBERS },
  { href: '/ui/documents', key: 'nav.documents', roles: MEMBERS },
  { href: '/ui/news', key: 'nav.news', roles: MEMBERS },
  { href: '/ui/archive', key: 'nav.archive', roles: MEMBERS },
  { href: '/ui/qa', key: 'nav.qa', roles: MEMBERS },
  { href: '/ui/sharing', key: 'nav.sharing', roles: ['agency', 'county', 'admin'] },
  { href: '/ui/supervision', key: 'nav.supervision', roles: STAFF },
  { href: '/ui/admin/units', key: 'nav.units', roles: ['county', 'admin'] },
  { href: '/ui/admin/users', key: 'nav.users', roles: ['admin'] },
];

function current(path: string, href: string): boolean {
  if (href === '/ui/') return path === '/ui/' || path === '/ui';
  return path === href || path.startsWith(`${href}/`);
}

export function shell(s: Shell, title: string, body: Html): string {
  const { t, who } = s;
  const other = t.lang === 'zh' ? 'en' : 'zh';
  const nav = who
    ? html`<nav class="side" aria-label="${t('nav.label')}"><ul>${NAV.filter((n) => n.roles.includes(who.role)).map(
        (n) => html`<li><a href="${n.href}"${current(s.path, n.href) ? raw(' aria-current="page"') : ''}>${t(n.key)}</a></li>`,
      )}</ul></nav>`
    : '';
  const user = who
    ? html`<div class="who"><span class="unit" data-testid="unit-name">${s.unitName ?? who.unit}</span>
        <span class="user">${who.sub} · ${t.code('role', who.role)}</span>
        <form method="post" action="/ui/logout" class="inline"><input type="hidden" name="_csrf" value="${s.csrf ?? ''}"><button type="submit" class="link">${t('app.logout')}</button></form></div>`
    : '';
  return html`<!doctype html>
<html lang="${t.lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t('app.name')}</title>
<link rel="stylesheet" href="${asset('app.css')}">
${s.csrf ? html`<meta name="csrf-token" content="${s.csrf}">` : ''}
<script src="${asset('app.js')}" defer></script>
</head>
<body${who ? '' : raw(' class="bare"')}>
<a class="skip" href="#main">${t('app.skip')}</a>
<header class="top">
  <a class="brand" href="/ui/">${t('app.name')}</a>
  ${user}
  <a class="lang" href="/ui/lang?to=${other}&amp;next=${encodeURIComponent(s.path)}" lang="${other === 'zh' ? 'zh-CN' : 'en'}">${other === 'zh' ? '中文' : 'English'}</a>
</header>
<div class="frame">
${nav}
<main id="main" tabindex="-1">
<h1>${title}</h1>
${body}
</main>
</div>
</body>
</html>`.value;
}

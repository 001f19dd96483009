/**
 * The dashboard's style sheet, served as /-/ui/assets/dashboard.<hash>.css (ui-assets.ts).
 * Colours are chosen for WCAG AA contrast (4.5:1 for text) on their backgrounds; focus is
 * always visible; nothing is loaded from elsewhere (system fonts only).
 */
export const DASHBOARD_CSS = `
:root {
  --fg: #1b1f24; --muted: #4a535e; --bg: #ffffff; --panel: #f5f7fa; --line: #d0d7de;
  --link: #0b57d0; --head-bg: #12263f; --head-fg: #ffffff; --focus: #0b57d0;
  --ok-bg: #dff3e4; --ok-fg: #14532d; --warn-bg: #fff1d6; --warn-fg: #6b3a00;
  --bad-bg: #fde2e1; --bad-fg: #8a1c1c; --info-bg: #e3ecfb; --info-fg: #123e8c;
  font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC",
    "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  color: var(--fg); background: var(--bg); line-height: 1.5;
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--link); }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono", monospace; font-size: 0.9em; }
.skip { position: absolute; left: -10000px; top: 0; background: var(--bg); padding: 0.5rem; }
.skip:focus { left: 0.5rem; z-index: 10; }
header.site { background: var(--head-bg); color: var(--head-fg); }
header.site .bar { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center;
  max-width: 72rem; margin: 0 auto; padding: 0.6rem 1rem; }
header.site a { color: var(--head-fg); }
header.site .brand { font-weight: 700; font-size: 1.15rem; text-decoration: none; }
header.site .brand span { font-weight: 400; opacity: 0.9; margin-left: 0.5rem; font-size: 0.95rem; }
header.site nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; margin: 0; padding: 0; }
header.site nav a { text-decoration: none; padding: 0.2rem 0.1rem; border-bottom: 3px solid transparent; }
header.site nav a[aria-current="page"] { border-bottom-color: var(--head-fg); font-weight: 600; }
header.site nav a:hover { border-bottom-color: #9fb6d8; }
header.site .who { margin-left: auto; display: flex; gap: 1rem; align-items: center; font-size: 0.95rem; }
header.site .lang a[aria-current="true"] { font-weight: 700; text-decoration: none; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.6rem; }
section { margin-bottom: 1.5rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.95rem; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
th, td { text-align: left; padding: 0.4rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--panel); border-bottom: 2px solid var(--line); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.wrap { overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1.5rem; margin: 0.5rem 0 1rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 0.6rem; font-size: 0.85rem; font-weight: 600; white-space: nowrap; }
.badge.ok { background: var(--ok-bg); color: var(--ok-fg); }
.badge.warn { background: var(--warn-bg); color: var(--warn-fg); }
.badge.bad { background: var(--bad-bg); color: var(--bad-fg); }
.badge.info { background: var(--info-bg); color: var(--info-fg); }
.blocked-reason { color: var(--bad-fg); display: block; font-size: 0.9rem; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
pre { background: var(--panel); border: 1px solid var(--line); padding: 0.7rem 0.9rem; overflow-x: auto; margin: 0.3rem 0 0.6rem; }
.copyable { display: flex; gap: 0.5rem; align-items: flex-start; }
.copyable pre { flex: 1; margin: 0; }
button, input, select { font: inherit; }
button { background: var(--link); color: #ffffff; border: 1px solid var(--link); border-radius: 0.3rem; padding: 0.3rem 0.8rem; cursor: pointer; }
button.secondary { background: var(--bg); color: var(--link); }
button.danger { background: var(--bad-fg); border-color: var(--bad-fg); }
input, select { border: 1px solid #6e7781; border-radius: 0.3rem; padding: 0.3rem 0.5rem; background: var(--bg); color: var(--fg); }
form.inline { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: flex-end; margin: 0.5rem 0 1rem; }
form.inline label { display: flex; flex-direction: column; font-size: 0.9rem; color: var(--muted); gap: 0.2rem; }
form.inline input[type="search"], form.inline input[type="text"] { min-width: 18rem; }
.admin { border: 1px solid var(--line); border-radius: 0.4rem; padding: 0.2rem 1rem 0.6rem; background: var(--panel); }
.admin h2 { margin-top: 0.8rem; }
.notice { padding: 0.5rem 0.8rem; border-radius: 0.3rem; background: var(--info-bg); color: var(--info-fg); }
.pager { display: flex; gap: 1rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); gap: 0.8rem; margin: 0.5rem 0 1rem; }
.card { border: 1px solid var(--line); border-radius: 0.4rem; padding: 0.6rem 0.9rem; background: var(--panel); }
.card .value { font-size: 1.4rem; font-weight: 700; }
.card .label { color: var(--muted); font-size: 0.9rem; }
footer.site { max-width: 72rem; margin: 0 auto; padding: 1rem; color: var(--muted); border-top: 1px solid var(--line); font-size: 0.9rem; }
footer.site a { color: var(--link); }
`;

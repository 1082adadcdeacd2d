"""The HTML report's stylesheet (inlined, so the page is one file that works offline)."""

CSS = """
:root { --pass:#1a7f37; --fail:#cf222e; --warn:#9a6700; --skip:#8c959f; --err:#8250df;
  --line:#d0d7de; --muted:#57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:#1f2328;
  margin: 0 auto; padding: 24px 32px; max-width: 1400px; }
h1 { margin: 0 0 4px; font-size: 24px; }
h2 { margin: 32px 0 8px; font-size: 18px; border-bottom: 1px solid var(--line); }
header { border-left: 6px solid var(--pass); padding: 8px 16px; background: #f6f8fa; }
header.failed { border-left-color: var(--fail); }
header p { margin: 4px 0; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.mono, code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
pre { background: #f6f8fa; padding: 8px; overflow-x: auto; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff;
  font-size: 12px; font-weight: 600; }
.badge.passed { background: var(--pass); } .badge.failed { background: var(--fail); }
.badge.warned { background: var(--warn); } .badge.skipped { background: var(--skip); }
.badge.not-run { background: var(--skip); }
.badge.error { background: var(--err); } .badge.none { background: #eaeef2; color: var(--muted); }
table { border-collapse: collapse; }
.matrix th, .matrix td { border: 1px solid var(--line); padding: 2px 6px; }
.matrix th.req { text-align: left; white-space: nowrap; }
.matrix td.desc { min-width: 280px; max-width: 380px; }
.matrix th.rot { height: 190px; vertical-align: bottom; padding: 4px 0; width: 24px; }
.matrix th.rot span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
  font-weight: 500; font-size: 12px; }
.matrix th.rot a { color: inherit; text-decoration: none; }
.matrix td.cell { text-align: center; font-weight: 700; color: #fff; }
.cell.passed { background: var(--pass); } .cell.failed { background: var(--fail); }
.cell.warned { background: var(--warn); } .cell.skipped { background: var(--skip); }
.cell.not-run { background: var(--skip); }
.cell.error { background: var(--err); }
details.scenario { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0;
  padding: 4px 12px; }
details.scenario.failed, details.scenario.error { border-color: var(--fail); }
details summary { cursor: pointer; padding: 4px 0; }
.advice { color: var(--fail); }
.reqs { width: 100%; margin: 8px 0; }
.reqs th, .reqs td { border-bottom: 1px solid var(--line); padding: 3px 6px; text-align: left;
  vertical-align: top; }
.reqs td.num { text-align: right; }
.code.s2 { color: var(--pass); font-weight: 600; }
.code.s4 { color: var(--warn); font-weight: 600; }
.code.s5, .code.s0 { color: var(--fail); font-weight: 600; }
figure { margin: 12px 0; } figure img { max-width: 100%; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 12px; }
"""

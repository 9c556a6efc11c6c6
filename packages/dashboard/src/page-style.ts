// The page's stylesheet (inline, under the page's CSP nonce).
export const PAGE_STYLE = `
:root{--bg:#f5f6f8;--panel:#fff;--ink:#1c2330;--muted:#6b7380;--line:#e3e6eb;--accent:#2f6fde;
--working:#2f6fde;--queued:#8a6d00;--input:#8e44ad;--completed:#1e8e4f;--failed:#c8322f;--cancelled:#7a7f87;
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Ubuntu,sans-serif;color:var(--ink);background:var(--bg)}
*{box-sizing:border-box}body{margin:0}[hidden]{display:none!important}
header{display:flex;align-items:center;gap:16px;flex-wrap:wrap;padding:12px 20px;background:#151b26;color:#fff}
h1{font-size:17px;margin:0;font-weight:600}h2{font-size:14px;margin:0 0 8px;font-weight:600}
.conn{display:inline-flex;align-items:center;gap:6px;font-size:12px;color:#c9d1dd}
.conn i{width:8px;height:8px;border-radius:50%;background:#d9a400}
.conn[data-state=live] i{background:#35c46a}.conn[data-state=down] i{background:#e5534b}
.notice{font-size:12px;color:#ffb4ae}
.counts{display:flex;gap:8px;margin-left:auto;flex-wrap:wrap}
.chip{font-size:12px;padding:2px 9px;border-radius:10px;background:#2a3242;color:#dfe5ee}
.chip b{font-weight:600;color:#fff;margin-left:4px}
main{display:grid;grid-template-columns:minmax(0,1fr);gap:16px;padding:16px 20px}
@media (min-width:1300px){main{grid-template-columns:minmax(0,1fr) 400px}}
.activity{display:grid;grid-template-columns:minmax(0,1fr);gap:16px;padding:16px 20px 0}
@media (min-width:1000px){.activity{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 14px;min-width:0}
.toolbar{display:flex;gap:12px;align-items:center;margin-bottom:8px;flex-wrap:wrap}
.toolbar input[type=search]{flex:1;min-width:200px;max-width:420px;padding:6px 9px;border:1px solid var(--line);border-radius:6px;font:inherit}
.muted{color:var(--muted);font-size:12px}
.scroll{overflow-x:auto}
table{width:100%;min-width:860px;border-collapse:collapse;table-layout:fixed}
.c-task{width:21%}.c-status{width:112px}.c-progress{width:auto}.c-rate{width:130px}.c-attempt{width:72px}.c-time{width:80px}.c-actions{width:86px}
th{text-align:left;font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600;padding:6px 8px;border-bottom:1px solid var(--line)}
td{padding:8px;border-bottom:1px solid var(--line);vertical-align:top}

tr.fresh{animation:fresh 1.2s ease-out}@keyframes fresh{from{background:#eaf1ff}to{background:transparent}}
.kind{font-weight:600;overflow-wrap:anywhere}.sub{color:var(--muted);font-size:12px;overflow-wrap:anywhere}.sub code{font:11px ui-monospace,SFMono-Regular,Menlo,monospace}
.badge{display:inline-block;font-size:12px;font-weight:600;padding:1px 8px;border-radius:10px;color:#fff;background:var(--muted);white-space:nowrap}
.badge.working{background:var(--working)}.badge.queued{background:var(--queued)}.badge.input_required{background:var(--input)}
.badge.completed{background:var(--completed)}.badge.failed{background:var(--failed)}.badge.cancelled{background:var(--cancelled)}
.bar{position:relative;height:14px;border-radius:7px;background:#e9ecf1;overflow:hidden}
.fill{height:100%;width:0;background:var(--working);transition:width .25s ease-out}
tr[data-status=completed] .fill{background:var(--completed)}tr[data-status=failed] .fill{background:var(--failed)}
tr[data-status=cancelled] .fill{background:var(--cancelled)}tr[data-status=queued] .fill{background:var(--queued)}
.meta{display:flex;gap:8px;margin-top:3px;font-size:12px;min-width:0;overflow:hidden}
.pct{font-weight:600;font-variant-numeric:tabular-nums;min-width:3.2em}
.phase{color:var(--accent);white-space:nowrap}.msg{color:var(--muted);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.err{color:var(--failed);font-size:12px;margin-top:2px;word-break:break-word}
.num{font-variant-numeric:tabular-nums;font-size:13px;overflow-wrap:anywhere}
button.cancel{font:inherit;font-size:12px;padding:2px 10px;border-radius:6px;border:1px solid #d9a5a3;background:#fff;color:var(--failed);cursor:pointer}
button.cancel:hover{background:#fdf0ef}button.cancel:disabled{opacity:.5;cursor:default}
.empty{color:var(--muted);text-align:center;padding:24px 0;margin:0}
ol#log{list-style:none;margin:0;padding:0;max-height:70vh;overflow:auto;font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace}
ol#log li{padding:3px 0;border-bottom:1px dashed var(--line);word-break:break-word}
.lv{display:inline-block;min-width:5.5em;font-weight:600}.lv.info{color:var(--accent)}.lv.notice{color:var(--input)}
.lv.warning{color:var(--queued)}.lv.error{color:var(--failed)}.lv.debug{color:var(--muted)}
.t{color:var(--muted);margin-right:6px}
footer{padding:4px 20px 20px;color:var(--muted);font-size:12px}
tbody tr{cursor:pointer}tbody tr:hover{background:#f7f9fc}tbody tr:focus-visible{outline:2px solid var(--accent);outline-offset:-2px}
.msg.ask{color:var(--input);font-weight:600}
.chart-head{display:flex;align-items:baseline;gap:10px;flex-wrap:wrap;margin-bottom:4px}.chart-head h2{margin:0}
.chart{position:relative;min-height:150px}.chart svg{display:block;overflow:visible}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;margin-top:6px}
.legend span{display:inline-flex;align-items:center;gap:5px}.legend i{display:inline-block;width:10px;height:10px;border-radius:2px}
.legend .stat{color:var(--muted)}
svg text{font:11px system-ui,-apple-system,"Segoe UI",Roboto,Ubuntu,sans-serif;fill:var(--muted)}
svg .grid{stroke:#eef0f3}svg .axis{stroke:var(--line)}svg .dot{cursor:pointer}
svg .now{stroke:#c9ced6;stroke-dasharray:3 3}
.scrim{position:fixed;inset:0;background:rgba(21,27,38,.35);z-index:9}
.drawer{position:fixed;top:0;right:0;bottom:0;width:min(860px,96vw);background:var(--bg);box-shadow:-8px 0 24px rgba(0,0,0,.18);z-index:10;overflow-y:auto;display:flex;flex-direction:column}
.drawer-head{display:flex;align-items:center;gap:12px;padding:14px 20px;background:#151b26;color:#fff;position:sticky;top:0;z-index:1}
.drawer-head .tv-kind{font-size:17px;font-weight:600}.drawer-head .sub{color:#c9d1dd}.drawer-head .sub code{color:#fff}
.drawer-head .badge{margin-left:auto}
button.close{font:inherit;font-size:20px;line-height:1;background:none;border:0;color:#fff;cursor:pointer;padding:2px 6px}
#tv-body{padding:14px 20px 28px;display:flex;flex-direction:column;gap:14px}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:8px 16px;margin:0}
.facts div{min-width:0}.facts dt{font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}.facts dd{margin:0;overflow-wrap:anywhere}
.question{border:1px solid #d6b8e6;background:#faf4fd;border-radius:8px;padding:10px 14px}
.question h3{margin:0 0 4px;font-size:13px;color:var(--input)}.question p{margin:0 0 6px;font-size:15px}
.question table{min-width:0;table-layout:auto;font-size:12px}.question td,.question th{padding:3px 8px 3px 0;border:0}
.failure{border:1px solid #eab2b0;background:#fdf3f2;border-radius:8px;padding:10px 14px;color:var(--failed);overflow-wrap:anywhere}
.section h3{font-size:13px;margin:0 0 6px;font-weight:600}.section .note{color:var(--muted);font-size:12px;margin:4px 0 0}
.deps{list-style:none;margin:0;padding:0}.deps li{display:flex;gap:8px;align-items:center;padding:4px 0;border-bottom:1px dashed var(--line)}
.deps a{color:var(--ink);text-decoration:none;font-weight:600}.deps a:hover{text-decoration:underline}
ol.tlog{list-style:none;margin:0;padding:0;font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;max-height:260px;overflow:auto}
ol.tlog li{padding:2px 0;border-bottom:1px dashed var(--line);word-break:break-word}
`;

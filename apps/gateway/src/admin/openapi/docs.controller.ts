import { Controller, Get, Header } from '@nestjs/common';

import { ADMIN_PREFIX } from '../admin-routes';
import { buildOpenApiDocument } from './openapi-document';

/**
 * A self-contained reference page (no CDN, no Swagger UI package in this repository): it reads
 * openapi.json and lists every operation with its roles, parameters and body schema. Point any Swagger UI or
 * Redoc at /admin/v1/openapi.json for the full experience.
 */
const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Admin API</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:70rem}h2{margin-top:2rem}
.op{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:.6rem 0}
.m{display:inline-block;min-width:4.5rem;font-weight:bold}.GET{color:#0a6}.POST{color:#06c}.DELETE{color:#c30}
code,pre{background:#f6f6f6;padding:.1rem .3rem;border-radius:3px}pre{padding:.5rem;overflow:auto}</style></head>
<body><h1>Admin API</h1><p>Document: <a href="${ADMIN_PREFIX}/openapi.json">${ADMIN_PREFIX}/openapi.json</a>.
Authenticate with <code>Authorization: Bearer &lt;JWT or API key&gt;</code> or <code>X-API-Key</code>.</p>
<div id="ops">Loading…</div>
<script>
fetch('${ADMIN_PREFIX}/openapi.json').then(r=>r.json()).then(doc=>{
  const root=document.getElementById('ops');root.textContent='';
  const byTag={};
  for(const [path,methods] of Object.entries(doc.paths))for(const [m,op] of Object.entries(methods))(byTag[op.tags[0]]??=[]).push([m.toUpperCase(),path,op]);
  for(const [tag,ops] of Object.entries(byTag)){
    const h=document.createElement('h2');h.textContent=tag;root.appendChild(h);
    for(const [m,path,op] of ops){
      const d=document.createElement('div');d.className='op';
      const head=document.createElement('div');
      const ms=document.createElement('span');ms.className='m '+m;ms.textContent=m;head.appendChild(ms);
      const p=document.createElement('code');p.textContent='${ADMIN_PREFIX}'+path;head.appendChild(p);
      d.appendChild(head);
      const s=document.createElement('p');s.textContent=op.summary+' — '+op.description;d.appendChild(s);
      if(op.parameters){const pre=document.createElement('pre');pre.textContent=op.parameters.map(x=>x.in+' '+x.name+(x.required?' (required)':'')+': '+JSON.stringify(x.schema)).join('\\n');d.appendChild(pre);}
      if(op.requestBody){const pre=document.createElement('pre');pre.textContent='body: '+JSON.stringify(op.requestBody.content['application/json'].schema,null,2);d.appendChild(pre);}
      root.appendChild(d);
    }
  }
});
</script></body></html>`;

/** Public on purpose: the API's shape is no secret, and schemathesis and client generators need it. */
@Controller('admin/v1')
export class DocsController {
  private readonly document = buildOpenApiDocument();

  @Get('openapi.json')
  openapi(): unknown {
    return this.document;
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header(
    'content-security-policy',
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
  )
  docs(): string {
    return DOCS_PAGE;
  }
}

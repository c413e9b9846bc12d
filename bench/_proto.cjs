const { Parser, Language } = require('web-tree-sitter');
(async () => {
  await Parser.init();
  const lang = await Language.load(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm'));
  const p = new Parser(); p.setLanguage(lang);
  const src = require('fs').readFileSync(process.argv[2], 'utf8');
  const t = p.parse(src);
  const show = (n, d) => { console.log(' '.repeat(d) + n.type + ' [' + n.startIndex + ',' + n.endIndex + ']' + (n.childCount===0? ' '+JSON.stringify(src.slice(n.startIndex,n.endIndex)):'') + (n.isMissing?' MISSING':'') + (n.isError?' ERR':'')); for (let i=0;i<n.childCount;i++) show(n.child(i), d+1); };
  show(t.rootNode, 0);
})();

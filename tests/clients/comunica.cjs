// Runs one SPARQL query with Comunica against an endpoint and prints what Comunica parsed, as JSON:
// {"bindings": [{var: term}]} for SELECT, {"quads": [[s, p, o]]} for CONSTRUCT, {"boolean": b} for ASK,
// each term as {termType, value, language, datatype}. Used by tests/web/test_clients.py.
//   node tests/clients/comunica.cjs ENDPOINT_URL QUERY
const { QueryEngine } = require("@comunica/query-sparql");

function term(t) {
  const out = { termType: t.termType, value: t.value };
  if (t.termType === "Literal") {
    out.language = t.language;
    out.datatype = t.datatype ? t.datatype.value : null;
  }
  return out;
}

async function main() {
  const [endpoint, query] = process.argv.slice(2);
  const engine = new QueryEngine();
  const context = { sources: [{ type: "sparql", value: endpoint }] };
  const result = await engine.query(query, context);
  if (result.resultType === "bindings") {
    const bindings = await (await result.execute()).toArray();
    const rows = bindings.map((b) => Object.fromEntries([...b].map(([v, t]) => [v.value, term(t)])));
    console.log(JSON.stringify({ bindings: rows }));
  } else if (result.resultType === "quads") {
    const quads = await (await result.execute()).toArray();
    console.log(JSON.stringify({ quads: quads.map((q) => [term(q.subject), term(q.predicate), term(q.object)]) }));
  } else {
    console.log(JSON.stringify({ boolean: await result.execute() }));
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});

// Reads a JSON-LD document with jsonld.js and its default document loader (the @context it names is fetched
// like any remote document) and prints its triples as N-Quads. Used by tests/web/test_clients.py.
//   node tests/clients/jsonld.cjs DOCUMENT_URL
const jsonld = require("jsonld");

async function main() {
  const [url] = process.argv.slice(2);
  const expanded = await jsonld.expand(url);
  const nquads = await jsonld.toRDF(expanded, { format: "application/n-quads" });
  process.stdout.write(nquads);
}

main().catch((error) => {
  console.error(error.message + (error.details ? " " + JSON.stringify(error.details) : ""));
  process.exit(1);
});

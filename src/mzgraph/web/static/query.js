/* The query page: YASGUI on this server's /sparql, the saved examples, downloads, errors and entity links.
 *
 * Everything YASGUI could fetch from elsewhere is turned off here: the endpoint is this server's, the
 * class and property autocompleters (which ask lov.linkeddata.es) are disabled, and no link shortener
 * is set. The page's settings come from the JSON in #query-config, written by the server.
 */
(function () {
  "use strict";

  const settings = JSON.parse(document.getElementById("query-config").textContent);
  const endpoint = new URL(settings.endpoint, window.location.href).href;
  const examples = new Map(settings.examples.map((example) => [example.name, example]));
  const root = document.getElementById("yasgui");
  const downloads = document.getElementById("downloads");
  const examplesList = document.getElementById("examples");
  const narrow = window.matchMedia("(max-width: 60rem)");

  /* Autocompleters that only look at the query and the bundled prefix list. */
  const Yasqe = window.Yasgui.Yasqe;
  Yasqe.defaults.autocompleters = Yasqe.defaults.autocompleters.filter(
    (name) => name !== "properties" && name !== "classes"
  );

  const yasgui = new window.Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
    copyEndpointOnNewTab: false,
    persistenceId: "mzgraph-query",
    yasqe: { value: settings.initial, createShortLink: undefined, editorHeight: "22rem" },
  });

  function currentTab() {
    return yasgui.getTab();
  }

  /* The server's path of an IRI under the canonical base ({base}id/x -> {root}/id/x), or null; root is the path
     prefix a reverse proxy publishes the server under, or empty. */
  function localPath(iri) {
    return iri.startsWith(settings.base) ? (settings.root || "") + "/" + iri.slice(settings.base.length) : null;
  }

  function linkToEntityPages(container) {
    for (const anchor of container.querySelectorAll("a[href]")) {
      const path = localPath(anchor.getAttribute("href"));
      if (path !== null) {
        anchor.setAttribute("href", path);
        anchor.removeAttribute("target");
        anchor.classList.add("entity-link");
      }
    }
  }

  /* What YASGUI leaves out for assistive technology, added wherever it (re)draws: names for the editor's
     text area, the endpoint field, a tab's name field and the results table's controls, a keyboard stop on the editor's scrolling area, and the "+" that adds a
     tab moved out of the tab list (a tab list holds only tabs; ours calls the same addTab). */
  const labels = root.dataset;

  function nameIt(element, label) {
    if (element && !element.hasAttribute("aria-label")) element.setAttribute("aria-label", label);
  }

  function accessible() {
    for (const area of root.querySelectorAll(".CodeMirror textarea")) nameIt(area, labels.labelQuery);
    for (const input of root.querySelectorAll("input.autocomplete")) nameIt(input, labels.labelEndpoint);
    for (const input of root.querySelectorAll(".tabsList input")) nameIt(input, labels.labelTabName);
    for (const select of root.querySelectorAll(".yasr select.tableSizer")) nameIt(select, labels.labelPageSize);
    for (const input of root.querySelectorAll(".yasr input.tableFilter")) nameIt(input, labels.labelFilter);
    for (const scroller of root.querySelectorAll(".CodeMirror-scroll")) {
      scroller.setAttribute("tabindex", "0");
      scroller.setAttribute("role", "region");
      nameIt(scroller, labels.labelEditor);
    }
    const list = root.querySelector(".tabsList");
    const theirs = list && list.querySelector(".addTab");
    if (theirs && !root.querySelector(".mzgraph-add-tab")) {
      theirs.parentElement.style.display = "none";
      const ours = document.createElement("button");
      ours.type = "button";
      ours.className = "mzgraph-add-tab";
      ours.textContent = "+";
      ours.title = labels.labelNewTab;
      ours.setAttribute("aria-label", labels.labelNewTab);
      ours.addEventListener("click", () => yasgui.addTab(true));
      list.after(ours);
    }
  }

  new MutationObserver(() => {
    linkToEntityPages(root);
    accessible();
  }).observe(root, { childList: true, subtree: true });
  accessible();

  /* YASR's first click on a cut-off cell expands it and cancels the click; a link to a page here is
     followed at once instead (the click is kept from the cell, so nothing cancels it). */
  root.addEventListener(
    "click",
    (event) => {
      if (event.target instanceof Element && event.target.closest("a.entity-link")) event.stopPropagation();
    },
    true
  );

  /* The message box under the editor: the endpoint's error body, and the line it points at. */
  let markedLine = null;

  function errorBox(tab) {
    const wrapper = tab.getYasqe().getWrapperElement();
    let box = wrapper.parentElement.querySelector(".query-error");
    if (!box) {
      box = document.createElement("div");
      box.className = "query-error";
      box.setAttribute("role", "alert");
      box.hidden = true;
      wrapper.after(box);
    }
    return box;
  }

  function clearError(tab) {
    errorBox(tab).hidden = true;
    if (markedLine !== null) {
      tab.getYasqe().removeLineClass(markedLine, "background", "query-error-line");
      markedLine = null;
    }
  }

  function showError(tab, text) {
    let message = text;
    let line = null;
    try {
      const body = JSON.parse(text);
      message = body.message || text;
      line = body.detail && Number.isInteger(body.detail.line) ? body.detail.line : null;
    } catch (notJson) {
      /* Not the endpoint's error body (a network failure, say): show it as it is. */
    }
    const box = errorBox(tab);
    box.textContent = message;
    box.hidden = false;
    if (line !== null) {
      markedLine = line - 1;
      tab.getYasqe().addLineClass(markedLine, "background", "query-error-line");
    }
  }

  /* Download links: the current query on /sparql in each format of its result family. */
  function updateDownloads() {
    const yasqe = currentTab().getYasqe();
    const family = ["CONSTRUCT", "DESCRIBE"].includes(yasqe.getQueryType()) ? "graph" : "solutions";
    const query = yasqe.getValue();
    for (const link of downloads.querySelectorAll("a[data-format]")) {
      const params = new URLSearchParams({ query: query, format: link.dataset.format });
      link.href = settings.endpoint + "?" + params.toString();
      link.hidden = link.dataset.family !== family;
    }
  }

  function watch(tab) {
    const yasqe = tab.getYasqe();
    if (yasqe.mzgraphWatched) return;
    yasqe.mzgraphWatched = true;
    yasqe.on("change", updateDownloads);
    yasqe.on("query", () => clearError(tab));
    /* CodeMirror passes the editor first. */
    yasqe.on("error", (_yasqe, error) => showError(tab, error && error.message ? error.message : String(error)));
    linkToEntityPages(root);
    updateDownloads();
  }

  yasgui.on("tabSelect", () => setTimeout(() => watch(currentTab()), 0));
  yasgui.on("tabAdd", () => setTimeout(() => watch(currentTab()), 0));
  watch(currentTab());
  downloads.hidden = false;

  /* The examples: a click loads the query (parameters bound to their defaults) into the editor. */
  function load(name) {
    const example = examples.get(name);
    if (!example) return;
    const tab = currentTab();
    clearError(tab);
    tab.setQuery(example.query);
    for (const button of document.querySelectorAll("button[data-example]")) {
      button.setAttribute("aria-pressed", String(button.dataset.example === name));
    }
    if (narrow.matches) {
      examplesList.open = false;
      root.scrollIntoView({ block: "start" });
    }
    tab.getYasqe().focus();
  }

  for (const button of document.querySelectorAll("button[data-example]")) {
    button.addEventListener("click", () => load(button.dataset.example));
  }
  /* On a narrow screen the list starts folded, above the editor. */
  if (narrow.matches) examplesList.open = false;
  if (settings.selected) load(settings.selected);
})();

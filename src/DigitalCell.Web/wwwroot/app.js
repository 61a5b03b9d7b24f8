// The dcell serve page: every number it shows comes from the /api/v1 answers (the same API scripts use).
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const state = { datasets: [], models: [], embedding: null, answer: null };
  const query = new URLSearchParams(location.search);

  function apiKey() { return sessionStorage.getItem("dcell-api-key") || ""; }

  async function api(path, body) {
    const headers = { "Accept": "application/json" };
    if (apiKey()) headers["X-Api-Key"] = apiKey();
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { method: body === undefined ? "GET" : "POST", headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await response.json().catch(() => ({ error: "The server answered " + response.status + " without JSON." }));
    if (response.status === 401) $("key-label").hidden = false;
    if (!response.ok) {
      const error = new Error(data.error || ("HTTP " + response.status));
      error.suggestions = data.suggestions || [];
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function showError(error, where = "error") {
    const text = error ? error.message + (error.suggestions && error.suggestions.length ? " Did you mean: " + error.suggestions.join(", ") + "?" : "") : "";
    $(where).textContent = text;
    $(where).hidden = !error;
  }

  function option(value, label) {
    const o = document.createElement("option");
    o.value = value; o.textContent = label;
    return o;
  }

  async function waitUntilReady() {
    for (;;) {
      const response = await fetch("/api/v1/health");
      const health = await response.json();
      $("status").textContent = health.status === "ready" ? "Ready." : "Starting: " + health.detail;
      if (health.status === "ready") return;
      if (health.status === "failed") throw new Error(health.detail);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async function loadDatasets() {
    state.datasets = await api("/api/v1/datasets");
    state.models = await api("/api/v1/models");
    const select = $("dataset");
    select.replaceChildren(...state.datasets.map((d) => option(d.id, d.title ? d.id + " — " + d.title : d.id)));
    if (query.get("dataset")) select.value = query.get("dataset");
    await datasetChanged();
  }

  async function datasetChanged() {
    const dataset = $("dataset").value;
    const contexts = await api("/api/v1/datasets/" + encodeURIComponent(dataset) + "/contexts");
    $("context").replaceChildren(...contexts.map((c) => option(c.value === null ? "" : c.value, c.label + " (" + c.cells + " cells)")));
    if (query.get("context") !== null) $("context").value = query.get("context");
    const models = state.models.filter((m) => m.fitted.some((f) => f.dataset === dataset));
    $("model").replaceChildren(...models.map((m) => option(m.id, m.id)));
    if (query.get("model")) $("model").value = query.get("model");
    modelChanged();
    state.embedding = await api("/api/v1/datasets/" + encodeURIComponent(dataset) + "/embedding");
    drawEmbedding();
  }

  function fitted() {
    const model = state.models.find((m) => m.id === $("model").value);
    return model ? model.fitted.find((f) => f.dataset === $("dataset").value) : null;
  }

  // A data set of treatments (a cytokine, compounds) is perturbed by picking one of the model's treatments, not a gene and mode.
  function treatments() {
    const f = fitted();
    return f ? f.treatments : [];
  }

  function modelChanged() {
    const f = fitted();
    for (const o of $("mode").options) o.disabled = !f || !f.modes.includes(o.value);
    if ($("mode").selectedOptions[0] && $("mode").selectedOptions[0].disabled && f) $("mode").value = f.modes[0];
    const list = treatments(), chosen = $("treatment").value;
    $("treatment").replaceChildren(...list.map((t) => option(t.name, t.name + " (" + t.kind + (t.dose === null ? "" : ", " + t.dose + " " + t.dose_unit) + ", " + t.cells + " cells)")));
    if (list.some((t) => t.name === chosen)) $("treatment").value = chosen;
    const treating = list.length > 0;
    $("treatment-label").hidden = !treating;
    $("gene-label").hidden = treating;
    $("gene").disabled = treating; // a hidden required field would block the form
    $("mode-label").hidden = treating;
    $("screen").hidden = treating; // screens rank genes; the API refuses them on a data set of treatments
  }

  let completion = 0;
  async function complete() {
    const text = $("gene").value;
    const prefix = text.split("+").pop().trim();
    const ticket = ++completion;
    const genes = await api("/api/v1/models/" + encodeURIComponent($("model").value) + "/genes?dataset=" + encodeURIComponent($("dataset").value) +
      "&prefix=" + encodeURIComponent(prefix) + "&limit=20");
    if (ticket !== completion) return;
    const head = text.includes("+") ? text.slice(0, text.lastIndexOf("+") + 1) : "";
    $("gene-options").replaceChildren(...genes.map((g) => option(head + g, g)));
  }

  function request() {
    const dataset = state.datasets.find((d) => d.id === $("dataset").value);
    const context = dataset && dataset.context_column && $("context").value !== "" ? { [dataset.context_column]: $("context").value } : null;
    const treating = treatments().length > 0;
    return { model: $("model").value, dataset: $("dataset").value, context, perturbation: treating ? $("treatment").value : $("gene").value.trim(),
      mode: treating ? null : $("mode").value, seed: Number(query.get("seed") || 0) };
  }

  async function predict(event) {
    if (event) event.preventDefault();
    showError(null);
    document.body.dataset.state = "predicting";
    $("status").textContent = "Predicting…";
    try {
      const answer = await api("/api/v1/predict", request());
      state.answer = answer;
      await show(answer);
      const expected = query.get("sha");
      $("status").textContent = expected && expected !== answer.model_sha
        ? "Shown. Note: this permalink was made with model sha " + expected + "; the server's " + answer.model + " is " + answer.model_sha + "."
        : "Shown: " + answer.perturbation + " (" + answer.mode + ") in " + answer.context_label + ", model " + answer.model + " (" + answer.model_sha + ").";
      document.body.dataset.state = "shown";
    } catch (error) {
      showError(error);
      $("status").textContent = "Ready.";
      document.body.dataset.state = "error";
    }
  }

  function colours(values) {
    const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
    const groups = [...new Set(values)].sort();
    return groups.map((g, i) => ({ name: g, colour: palette[i % palette.length] }));
  }

  function drawEmbedding() {
    const e = state.embedding;
    if (!e || !window.Plotly) return;
    const by = $("colour").value === "context" ? e.context : e.perturbation;
    const traces = colours(by).map((g) => {
      const idx = by.map((v, i) => (v === g.name ? i : -1)).filter((i) => i >= 0);
      return { type: "scatter", mode: "markers", name: g.name, x: idx.map((i) => e.x[i]), y: idx.map((i) => e.y[i]), marker: { size: 4, opacity: 0.5, color: g.colour } };
    });
    const a = state.answer;
    if (a && a.dataset === $("dataset").value) {
      const points = [["control mean", a.embedding.control, "#000"], ["predicted", a.embedding.predicted, "#d00"]];
      if (a.embedding.measured) points.push(["measured", a.embedding.measured, "#08a"]);
      for (const [name, p, colour] of points)
        traces.push({ type: "scatter", mode: "markers", name, x: [p[0]], y: [p[1]], marker: { size: 16, symbol: "diamond", color: colour, line: { width: 2, color: "#fff" } } });
    }
    const r = e.variance_ratio;
    Plotly.react("embedding", traces, { margin: { t: 10 }, xaxis: { title: { text: "PC1 (" + (100 * r[0]).toFixed(1) + " %)" } }, yaxis: { title: { text: "PC2 (" + (100 * r[1]).toFixed(1) + " %)" } }, legend: { font: { size: 9 } } }, { displaylogo: false });
  }

  function fillList(id, genes) {
    $(id).replaceChildren(...genes.map((g) => {
      const li = document.createElement("li");
      li.dataset.gene = g.gene;
      li.textContent = g.gene + " " + (g.delta >= 0 ? "+" : "") + g.delta.toFixed(3);
      return li;
    }));
  }

  async function show(a) {
    fillList("top-up", a.top_up);
    fillList("top-down", a.top_down);
    const up = a.top_up.slice().reverse(), down = a.top_down.slice().reverse();
    await Plotly.react("top-genes", [
      { type: "bar", orientation: "h", name: "down", y: down.map((g) => g.gene), x: down.map((g) => g.delta), marker: { color: "#2166ac" } },
      { type: "bar", orientation: "h", name: "up", y: up.map((g) => g.gene), x: up.map((g) => g.delta), marker: { color: "#b2182b" } },
    ], { margin: { t: 10, l: 90 }, xaxis: { title: { text: "predicted − control (log1p)" } }, yaxis: { automargin: true, dtick: 1, tickfont: { size: 9 } } }, { displaylogo: false });
    $("top-genes").dataset.rendered = a.perturbation;

    const programs = a.program_scores.filter((p) => p.before !== null && p.after !== null)
      .sort((x, y) => Math.abs(y.after - y.before) - Math.abs(x.after - x.before)).slice(0, 20).reverse();
    const names = programs.map((p) => p.library + ": " + p.program);
    await Plotly.react("programs", [
      { type: "bar", orientation: "h", name: "control", y: names, x: programs.map((p) => p.before), marker: { color: "#999" } },
      { type: "bar", orientation: "h", name: "predicted", y: names, x: programs.map((p) => p.after), marker: { color: "#d00" } },
    ], { barmode: "group", margin: { t: 10, l: 200 }, yaxis: { automargin: true, dtick: 1, tickfont: { size: 9 } }, xaxis: { title: { text: "ulm t" } } }, { displaylogo: false });

    if (a.measured) {
      const dm = a.measured.measured_mean.map((v, i) => v - a.control_mean[i]);
      const dp = a.predicted_mean.map((v, i) => v - a.control_mean[i]);
      await Plotly.react("measured", [{ type: "scatter", mode: "markers", x: dm, y: dp, text: a.genes, marker: { size: 5 } }],
        { margin: { t: 10 }, xaxis: { title: { text: "measured − control" } }, yaxis: { title: { text: "predicted − control" } } }, { displaylogo: false });
      $("measured-caption").textContent = "Predicted vs measured change (" + a.measured.cells + " cells): Pearson r of the changes " +
        (a.measured.delta_pearson === null ? "undefined" : a.measured.delta_pearson.toFixed(3)) + ", RMSE " + a.measured.rmse.toFixed(4) +
        (a.measured.in_training ? " (in-sample: the served model was fitted on these cells)." : ".");
    } else {
      Plotly.purge("measured");
      $("measured-caption").textContent = "Not measured in this context: nothing to compare with.";
    }
    drawEmbedding();
    $("notes").replaceChildren(...a.notes.map((n) => { const li = document.createElement("li"); li.textContent = n; return li; }));
    const params = a.permalink.slice(a.permalink.indexOf("?"));
    $("permalink").href = a.permalink;
    $("download-csv").href = "/api/v1/predict.csv" + params;
    $("download-h5ad").href = "/api/v1/predict.h5ad" + params;
    $("links").hidden = false;
  }

  // The screen uses the data set, context, model and mode chosen above.
  function screenRequest() {
    const base = request();
    const choice = $("candidates").value;
    return { model: base.model, dataset: base.dataset, context: base.context, mode: base.mode, seed: base.seed,
      objective: $("objective").value.trim(), direction: $("direction").value,
      candidates: choice === "list" ? $("candidate-list").value.trim() : choice, refits: Number($("refits").value) };
  }

  async function runScreen(event) {
    if (event) event.preventDefault();
    showError(null, "screen-error");
    document.body.dataset.screen = "running";
    $("screen-status").textContent = "Screening…";
    try {
      await showScreen(await api("/api/v1/screen", screenRequest()));
      document.body.dataset.screen = "shown";
    } catch (error) {
      showError(error, "screen-error");
      $("screen-status").textContent = "";
      document.body.dataset.screen = "error";
    }
  }

  const number = (v) => (v === null ? "" : v.toFixed(4));

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
  }

  async function showScreen(s) {
    const p = s.provenance;
    const top = s.rows.slice(0, 30).reverse(); // plotly draws bars bottom-up: rank 1 on top
    const bars = { type: "bar", orientation: "h", y: top.map((r) => r.gene), x: top.map((r) => r.effect), marker: { color: top.map((r) => (r.informed ? "#3b6ea8" : "#bbb")) } };
    if (p.refits > 1) bars.error_x = { type: "data", array: top.map((r) => r.sd || 0), visible: true };
    await Plotly.react("screen-chart", [bars], { margin: { t: 10, l: 90 }, xaxis: { title: { text: "predicted change: " + s.objective } },
      yaxis: { automargin: true, dtick: 1, tickfont: { size: 9 } } }, { displaylogo: false });
    $("screen-chart").dataset.rendered = p.objective;
    $("screen-table").tBodies[0].replaceChildren(...s.rows.map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.gene = r.gene;
      for (const text of [String(r.rank), r.gene, number(r.effect), number(r.sd), r.informed ? "yes" : "no"]) cell(tr, text);
      return tr;
    }));
    $("hit-cards").replaceChildren(...s.hit_cards.map((c) => {
      const li = document.createElement("li");
      li.dataset.gene = c.gene;
      const moved = c.supporting_genes.map((g) => g.gene + " " + (g.change >= 0 ? "+" : "") + g.change.toFixed(3)).join(", ");
      li.textContent = c.gene + " (rank " + c.rank + "): " + number(c.effect) + (c.sd === null ? "" : " ± " + number(c.sd)) + "; moves " + (moved || "nothing");
      return li;
    }));
    $("screen-notes").replaceChildren(...s.notes.map((n) => { const li = document.createElement("li"); li.textContent = n; return li; }));
    $("screen-csv").href = s.csv;
    $("screen-links").hidden = false;
    $("screen-status").textContent = s.objective + ", " + p.direction + ": " + s.rows.length + " candidates (" + p.mode + ") in " + p.context_label +
      ", model " + p.model + " (" + p.model_sha + "), " + p.refits + " refit(s), seed " + p.seed + ".";
  }

  async function start() {
    try {
      await waitUntilReady();
      await loadDatasets();
      document.body.dataset.state = "ready";
      if (query.get("perturbation")) {
        $("gene").value = query.get("perturbation");
        if (treatments().length > 0) $("treatment").value = query.get("perturbation");
        else if (query.get("mode")) $("mode").value = query.get("mode");
        await predict();
      }
    } catch (error) {
      showError(error);
      document.body.dataset.state = "error";
    }
  }

  $("predict-form").addEventListener("submit", predict);
  $("screen-form").addEventListener("submit", runScreen);
  $("candidates").addEventListener("change", () => { $("candidate-list-label").hidden = $("candidates").value !== "list"; });
  $("dataset").addEventListener("change", () => datasetChanged().catch(showError));
  $("model").addEventListener("change", modelChanged);
  $("gene").addEventListener("input", () => complete().catch(() => {}));
  $("colour").addEventListener("change", drawEmbedding);
  $("api-key").addEventListener("change", () => sessionStorage.setItem("dcell-api-key", $("api-key").value));
  start();
})();

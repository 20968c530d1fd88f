/* Starts the vendored Swagger UI on the OpenAPI document named by #swagger-ui's data-url. A file of its own,
   not an inline script, so the Content-Security-Policy can refuse every inline script. */
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  const element = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: element.dataset.url,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: false,  /* no link inside an operation's summary button: screen readers reach every control */
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,  /* no badge fetched from validator.swagger.io: nothing leaves this server */
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
});

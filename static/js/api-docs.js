// Start Swagger UI on /docs (a classic script: the vendored bundle defines the global
// SwaggerUIBundle). Lives in a file because the Content-Security-Policy forbids inline scripts.
/* global SwaggerUIBundle */
SwaggerUIBundle({
  url: document.body.dataset.openapiUrl,
  dom_id: "#swagger-ui",
  deepLinking: true,
  layout: "BaseLayout",
  presets: [SwaggerUIBundle.presets.apis],
  // The validator badge would call an outside service.
  validatorUrl: null,
});

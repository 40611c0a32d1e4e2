// Starts Swagger UI on the API documentation page (a file, not an inline
// script, so the Content-Security-Policy can forbid inline scripts).
window.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("swagger-ui");
  if (target && window.SwaggerUIBundle) {
    window.SwaggerUIBundle({ url: target.getAttribute("data-spec"), dom_id: "#swagger-ui", deepLinking: false });
  }
});

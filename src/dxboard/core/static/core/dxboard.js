// Behaviour that would otherwise need inline scripts (forbidden by the Content Security Policy).
document.addEventListener("change", function (event) {
  if (event.target.matches("select.js-autosubmit, input.js-autosubmit")) {
    event.target.form.requestSubmit ? event.target.form.requestSubmit() : event.target.form.submit();
  }
});

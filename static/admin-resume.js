// After signing in again (app/admin/resume.py): return to the form at once. Without this script the
// admin presses "Return to your form"; nothing is saved either way, the form comes back to be checked.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("resume-form");
  if (form && form.dataset.resume === "auto") {
    form.submit();
  }
});

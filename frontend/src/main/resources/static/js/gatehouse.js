// Small behaviours of the dashboard; everything else is plain HTML forms (Post/Redirect/Get).
(function () {
  'use strict';

  // Destructive forms carry data-confirm="question"; nothing is posted unless the user agrees.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);

  // The certificate form's Check runs in the background and replaces only its result card; the
  // problems the previous Save showed next to the fields no longer describe what is in them now.
  // (afterRequest, not afterSwap: the swap replaces the card the event would be dispatched on.)
  document.addEventListener('htmx:afterRequest', function (event) {
    var trigger = event.detail.elt;
    if (!event.detail.successful || !trigger || trigger.id !== 'check-certificate' || !trigger.form) {
      return;
    }
    var form = trigger.form;
    form.querySelectorAll('.is-invalid').forEach(function (control) {
      control.classList.remove('is-invalid');
    });
    form.querySelectorAll('.invalid-feedback, #form-errors').forEach(function (message) {
      message.remove();
    });
  });

  // A polled fragment that comes back as the sign-in page means the session ended:
  // reload so the whole page goes to the sign-in page instead of nesting it in a card.
  document.addEventListener('htmx:beforeSwap', function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.responseURL && new URL(xhr.responseURL).pathname === '/login') {
      event.detail.shouldSwap = false;
      window.location.reload();
    }
  });
})();

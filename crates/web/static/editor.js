// The requirement editor's filter: typing narrows the list of features (matched without
// regard to width or case, as the check matches them). Without JavaScript the whole list
// stays, and the form works the same.
(function () {
  var key = function (s) { return s.normalize('NFKC').toLowerCase(); };
  document.querySelectorAll('input[data-filter]').forEach(function (input) {
    var list = document.getElementById(input.getAttribute('data-filter'));
    if (!list) { return; }
    input.addEventListener('input', function () {
      var want = key(input.value.trim());
      list.querySelectorAll('.choice').forEach(function (row) {
        var show = want === '' || key(row.textContent).indexOf(want) >= 0 ||
          row.querySelector('input').checked;
        row.hidden = !show;
      });
    });
  });
})();

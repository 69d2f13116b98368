/* Appended to a copy of the report by tests/browser/render.sh: clicks the
 * annotator table's headers as a person would and records the column
 * orders it then shows, for check_sort.py to read from the dumped DOM. */
(function () {
    var t = document.querySelector('#annotators table');
    var th = t.tHead.rows[0].cells;
    function col(i) {
        return Array.prototype.map.call(t.tBodies[0].rows, function (r) {
            return r.cells[i].textContent;
        });
    }
    var out = {};
    th[2].click(); out.pairs_up = col(2);
    th[2].click(); out.pairs_down = col(2);
    th[4].click(); out.consistency_up = col(4);
    th[4].click(); out.consistency_down = col(4);
    th[0].click(); out.names_up = col(0);
    out.aria = th[0].getAttribute('aria-sort');
    document.documentElement.setAttribute('data-sort-probe', JSON.stringify(out));
})();

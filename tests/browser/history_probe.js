/* Appended to a copy of the history page by tests/browser/render.sh: where
 * the browser laid out this week's actions table, for check_history.py to
 * read from the dumped DOM (getBoundingClientRect, CSS pixels): the viewport
 * width, the table's scroll box, each header cell's left and right edge and
 * the rightmost edge of the body cells under it, and every row's action. */
(function () {
    var t = document.querySelector('#actions table');
    var out = {viewport: document.documentElement.clientWidth,
               page_width: document.documentElement.scrollWidth, cols: {}, actions: []};
    if (t) {
        var wrap = t.parentElement.getBoundingClientRect();
        out.wrap = {left: wrap.left, right: wrap.right, scroll_left: t.parentElement.scrollLeft};
        var th = t.tHead.rows[0].cells, rows = t.tBodies[0].rows;
        for (var i = 0; i < th.length; i++) {
            var r = th[i].getBoundingClientRect(), right = r.right;
            for (var j = 0; j < rows.length; j++)
                right = Math.max(right, rows[j].cells[i].getBoundingClientRect().right);
            out.cols[th[i].textContent.trim()] = {left: r.left, right: r.right, body_right: right};
        }
        for (var k = 0; k < rows.length; k++)
            out.actions.push(rows[k].cells[1].textContent.trim());
    }
    document.documentElement.setAttribute('data-history-probe', JSON.stringify(out));
})();

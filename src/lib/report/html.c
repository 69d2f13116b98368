/* The report page: one HTML file with its CSS, SVG and the table sort
 * script inline. A Content-Security-Policy forbids every fetch, so the page
 * shows the same thing offline, in a mail attachment or printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"

static const char CSS[] =
    ":root{--fg:#1a1a1a;--muted:#4d4d4d;--line:#c8c8c8}\n"
    "*{box-sizing:border-box}\n"
    "body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
    "color:var(--fg);background:#fff;margin:0 auto;max-width:62rem;padding:1rem 1.2rem}\n"
    "h1{font-size:1.6rem;line-height:1.25;margin:.4rem 0}\n"
    "h2{font-size:1.3rem;border-bottom:1px solid var(--line);padding-bottom:.2rem;"
    "margin:2.2rem 0 .6rem}\n"
    "h3{font-size:1.05rem;margin:.4rem 0}\n"
    ".subtitle{color:var(--muted);margin:.1rem 0;font-size:.9rem;overflow-wrap:anywhere}\n"
    "nav.toc ul{margin:.6rem 0;padding-left:1.2rem;font-size:.95rem}\n"
    "p{max-width:46rem;overflow-wrap:anywhere}\n"
    ".tablewrap{overflow-x:auto;margin:0 0 1rem;-webkit-overflow-scrolling:touch}\n"
    "table{border-collapse:collapse;font-size:.9rem;font-variant-numeric:tabular-nums}\n"
    "p.caption{color:var(--muted);margin:1rem 0 .3rem;font-size:.85rem}\n"
    ".tablewrap.tall{max-height:32rem;overflow-y:auto;border-bottom:1px solid var(--line)}\n"
    "th,td{padding:.25rem .6rem;border-bottom:1px solid #e0e0e0;text-align:left;"
    "white-space:nowrap}\n"
    "th.num,td.num{text-align:right}\n"
    "thead th{background:#f0f0f0;position:sticky;top:0}\n"
    "tbody tr:nth-child(even){background:#fafafa}\n"
    "table.sortable thead th{cursor:pointer;user-select:none}\n"
    "table.sortable thead th:focus{outline:2px solid #0072B2}\n"
    "th[aria-sort=ascending]::after{content:' \\25B2';font-size:.7em}\n"
    "th[aria-sort=descending]::after{content:' \\25BC';font-size:.7em}\n"
    "figure.fig{margin:1.4rem 0;max-width:42rem}\n"
    "svg.plot{width:100%;height:auto;display:block;font-family:inherit;font-size:14px}\n"
    "svg .frame{fill:none;stroke:#8a8a8a}\n"
    "svg .grid{stroke:#e3e3e3}\n"
    "svg .tick{fill:#333;font-size:14px}\n"
    "svg .label{fill:#111;font-size:15px}\n"
    "svg .line{fill:none;stroke-width:2}\n"
    "svg .dashed{stroke-dasharray:7 4}\n"
    "svg .ref{fill:none;stroke:#555;stroke-width:1.5}\n"
    "svg .errbar{fill:none;stroke-width:1.5}\n"
    "svg circle.mark,svg rect.mark{stroke:#fff;stroke-width:.8}\n"
    "svg rect.bar{stroke:#fff;stroke-width:.6}\n"
    "svg .legend text{fill:#222;font-size:14px}\n"
    "svg .nodata{fill:#666;font-size:15px}\n"
    "figcaption{font-size:.85rem;color:var(--muted);margin-top:.3rem;overflow-wrap:anywhere}\n"
    ".skips{color:#8a3b00}\n"
    ".verdict{border-left:6px solid;padding:.5rem .8rem;margin:1rem 0;background:#f5f5f5;"
    "max-width:46rem;overflow-wrap:anywhere}\n"
    ".verdict .tag{display:inline-block;font-weight:700;margin-right:.5rem;font-size:.75rem;"
    "letter-spacing:.05em;text-transform:uppercase}\n"
    ".v-yes{border-color:#009E73}.v-no{border-color:#D55E00}"
    ".v-mixed{border-color:#E69F00}.v-info{border-color:#0072B2}\n"
    "dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;font-size:.9rem;"
    "margin:.8rem 0}\n"
    "dl.kv dt{font-weight:600}dl.kv dd{margin:0;overflow-wrap:anywhere}\n"
    "@media (max-width:600px){body{padding:.6rem;font-size:15px}h1{font-size:1.3rem}"
    "dl.kv{grid-template-columns:1fr}dl.kv dd{margin-left:1rem}"
    "svg .tick{font-size:18px}svg .label{font-size:18px}svg .legend text{font-size:16px}}\n"
    "@media print{body{max-width:none;font-size:10.5pt;padding:0}nav.toc{display:none}"
    ".tablewrap,.tablewrap.tall{overflow:visible;max-height:none}thead th{position:static}"
    "figure.fig,tr,.verdict{break-inside:avoid}h2,h3{break-after:avoid}"
    "table.sortable thead th{cursor:auto}th::after{content:none!important}"
    "a{color:inherit;text-decoration:none}"
    "table{font-size:7.5pt;width:100%}th,td{white-space:normal;padding:1px 3px}"
    "td.num{white-space:nowrap}}\n";

/* Click (or Enter/Space on) a header to sort by that column, again to
 * reverse; number columns compare numerically with empty and "-" last;
 * ties keep the given order. Marks <html data-sorted-tables="N"> when done
 * wiring N tables, which the browser test reads back from the DOM. */
static const char SORT_JS[] =
    "(function(){\n"
    "function key(td,num){var s=td.textContent.trim();if(!num)return s;"
    "if(s===''||s==='-')return null;var v=parseFloat(s.replace(/^[^0-9+\\-.]+/,''));"
    "return isNaN(v)?null:v;}\n"
    "function sortBy(t,i,th){var num=th.classList.contains('num');"
    "var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;"
    "Array.prototype.forEach.call(th.parentNode.cells,function(c){c.setAttribute('aria-sort',"
    "'none');});th.setAttribute('aria-sort',dir>0?'ascending':'descending');"
    "var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);"
    "rows.forEach(function(r,k){r.pmk=k;});"
    "rows.sort(function(a,c){var x=key(a.cells[i],num),y=key(c.cells[i],num);"
    "if(x===null&&y===null)return a.pmk-c.pmk;if(x===null)return 1;if(y===null)return -1;"
    "var d=num?x-y:x.localeCompare(y);return d?d*dir:a.pmk-c.pmk;});"
    "rows.forEach(function(r){b.appendChild(r);});}\n"
    "var ts=document.querySelectorAll('table.sortable');\n"
    "Array.prototype.forEach.call(ts,function(t){"
    "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,i){"
    "th.tabIndex=0;th.setAttribute('aria-sort','none');"
    "th.addEventListener('click',function(){sortBy(t,i,th);});"
    "th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){"
    "e.preventDefault();sortBy(t,i,th);}});});});\n"
    "document.documentElement.setAttribute('data-sorted-tables',String(ts.length));\n"
    "})();\n";

static void text(FILE *fp, const char *open, const char *s, const char *close)
{
    fputs(open, fp);
    pmx_html_text(fp, s);
    fputs(close, fp);
}

static void write_table(FILE *fp, const pm_doc_table *t, size_t index)
{
    /* The caption stays outside the scrolling box: a <caption> is as wide
     * as its table and would scroll out of view with it. */
    if (t->caption[0])
        fprintf(fp, "<p class=\"caption\" id=\"table-%zu-caption\">", index);
    if (t->caption[0])
        text(fp, "", t->caption, "</p>\n");
    fprintf(fp, "<div class=\"tablewrap%s\"><table id=\"table-%zu\"%s", t->nrow > 20 ? " tall" : "",
            index, t->sortable ? " class=\"sortable\"" : "");
    if (t->caption[0])
        fprintf(fp, " aria-describedby=\"table-%zu-caption\"", index);
    fputc('>', fp);
    fputs("\n<thead><tr>", fp);
    for (size_t j = 0; j < t->ncol; j++)
        text(fp,
             t->kinds[j] == PM_COL_NUMBER ? "<th scope=\"col\" class=\"num\">"
                                          : "<th scope=\"col\">",
             t->headers[j], "</th>");
    fputs("</tr></thead>\n<tbody>\n", fp);
    for (size_t i = 0; i < t->nrow; i++) {
        fputs("<tr>", fp);
        for (size_t j = 0; j < t->ncol; j++)
            text(fp, t->kinds[j] == PM_COL_NUMBER ? "<td class=\"num\">" : "<td>",
                 t->cells[i * t->ncol + j], "</td>");
        fputs("</tr>\n", fp);
    }
    fputs("</tbody></table></div>\n", fp);
}

static void write_verdict(FILE *fp, const pmx_block *b)
{
    static const char *const cls[4] = {"v-info", "v-yes", "v-no", "v-mixed"};
    static const char *const tag[4] = {"Note", "Yes", "No", "Partly"};
    fprintf(fp, "<div class=\"verdict %s\"><span class=\"tag\">%s</span>", cls[b->verdict],
            tag[b->verdict]);
    if (b->a[0])
        text(fp, "<strong>", b->a, "</strong> ");
    pmx_html_text(fp, b->b);
    fputs("</div>\n", fp);
}

static void write_head(FILE *fp, const pm_doc *d)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
          "<meta name=\"generator\" content=\"prefmon\">\n",
          fp);
    text(fp, "<title>", d->title, "</title>\n");
    fprintf(fp, "<style>\n%s</style>\n</head>\n<body>\n<header>\n", CSS);
    text(fp, "<h1>", d->title, "</h1>\n");
    for (size_t i = 0; i < d->nblocks; i++)
        if (d->blocks[i].kind == PMX_BLK_SUBTITLE)
            text(fp, "<p class=\"subtitle\">", d->blocks[i].a, "</p>\n");
    fputs("</header>\n", fp);
    size_t nsec = 0;
    for (size_t i = 0; i < d->nblocks; i++)
        nsec += d->blocks[i].kind == PMX_BLK_SECTION;
    if (nsec < 2)
        return;
    fputs("<nav class=\"toc\" aria-label=\"Contents\"><ul>\n", fp);
    for (size_t i = 0; i < d->nblocks; i++)
        if (d->blocks[i].kind == PMX_BLK_SECTION) {
            fprintf(fp, "<li><a href=\"#%s\">", d->blocks[i].a);
            pmx_html_text(fp, d->blocks[i].b);
            fputs("</a></li>\n", fp);
        }
    fputs("</ul></nav>\n", fp);
}

static pm_status write_block(FILE *fp, const pmx_block *b, int *open, size_t *ntab, size_t *nfig,
                             pm_error *err)
{
    switch (b->kind) {
    case PMX_BLK_SUBTITLE:
        break;
    case PMX_BLK_SECTION:
        if (*open)
            fputs("</section>\n", fp);
        fprintf(fp, "<section id=\"%s\">\n", b->a); /* id checked: [a-z0-9-]+ */
        text(fp, "<h2>", b->b, "</h2>\n");
        *open = 1;
        break;
    case PMX_BLK_PARA:
        text(fp, "<p>", b->a, "</p>\n");
        break;
    case PMX_BLK_VERDICT:
        write_verdict(fp, b);
        break;
    case PMX_BLK_KEYVALS:
        fputs("<dl class=\"kv\">\n", fp);
        for (size_t i = 0; i < b->count; i++) {
            text(fp, "<dt>", b->names[i], "</dt>");
            text(fp, "<dd>", b->values[i], "</dd>\n");
        }
        fputs("</dl>\n", fp);
        break;
    case PMX_BLK_TABLE:
        write_table(fp, b->table, ++*ntab);
        break;
    case PMX_BLK_PLOT:
        return pmx_svg_figure(fp, b->plot, ++*nfig, err);
    }
    return PM_OK;
}

pm_status pm_doc_write_html(const pm_doc *d, FILE *fp, pm_error *err)
{
    if (!d || !fp)
        return pm_error_set(err, PM_EINVAL, "no document or no output stream");
    write_head(fp, d);
    fputs("<main>\n", fp);
    int open = 0;
    size_t ntab = 0, nfig = 0;
    for (size_t i = 0; i < d->nblocks; i++) {
        pm_status st = write_block(fp, &d->blocks[i], &open, &ntab, &nfig, err);
        if (st != PM_OK)
            return st;
    }
    if (open)
        fputs("</section>\n", fp);
    fputs("</main>\n", fp);
    int sortable = 0;
    for (size_t i = 0; i < d->nblocks; i++)
        sortable |= d->blocks[i].kind == PMX_BLK_TABLE && d->blocks[i].table->sortable;
    if (sortable)
        fprintf(fp, "<script>\n%s</script>\n", SORT_JS);
    fputs("</body>\n</html>\n", fp);
    if (fflush(fp) != 0 || ferror(fp))
        return pm_error_set(err, PM_EIO, "write error (disk full?)");
    return PM_OK;
}

pm_status pm_doc_write_html_to(const pm_doc *d, const pm_writer *w, pm_error *err)
{
    if (!d || !w || !w->write)
        return pm_error_set(err, PM_EINVAL, "no document or no writer");
    /* The page is rendered into a memory stream (POSIX.1-2008
     * open_memstream) by the one FILE* renderer, then handed over: a page
     * is at most a few megabytes, and one renderer means one page. */
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp)
        return pm_error_set(err, PM_ENOMEM, "out of memory rendering the page");
    pm_status st = pm_doc_write_html(d, fp, err);
    if (fclose(fp) != 0 && st == PM_OK)
        st = pm_error_set(err, PM_ENOMEM, "out of memory rendering the page");
    if (st == PM_OK)
        st = pm_write(w, buf, len, err);
    free(buf);
    return st;
}

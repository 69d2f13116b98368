/*
** prefmon — one canonical label event.
**
** Records readers come with the records module (issue 7, part 1); this header
** holds only the event struct that both the readers and `assess` agree on.
**
** Ownership: every string is borrowed from the reader and valid until its
** next call; a consumer that keeps one must copy it.
*/
#ifndef PREFMON_RECORDS_H
#define PREFMON_RECORDS_H

typedef struct pm_record {
    const char *annotator; /* borrowed until the next call */
    const char *item;      /* content key shared by every copy of an item */
    const char *label;     /* canonical label: "A"/"B"/"tie" for pairwise, else the category */
    const char *gold;      /* gold label in canonical form, or NULL */
    char shown_left;       /* 'A' or 'B'; 0 unknown */
    double timestamp;      /* epoch seconds, NAN when none */
    double duration;       /* seconds, NAN when none */
    const char *file;      /* source position */
    long line;
} pm_record;

#endif

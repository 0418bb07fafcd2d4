/*
 * The OneRoster import's report: what each file changed, the warnings and
 * the errors (see roster.h), and its JSON form for the HTTP route and the
 * CLI's --json.
 */
#include "base/common.h"

#include "app/roster.h"
#include "base/mem.h"

void roster_report_release(struct roster_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_warnings; i++)
        free(r->warnings[i]); /* from vasprintf */
    for (size_t i = 0; i < r->n_errors; i++)
        free(r->errors[i]);
    mem_free(r->warnings);
    mem_free(r->errors);
    mem_free(r->district_sourced_id);
    mem_free(r->district_name);
    memset(r, 0, sizeof(*r));
}

json_t *roster_report_json(const struct roster_report *r)
{
    json_t *o = json_object(), *fs = json_object(), *w = json_array(), *e = json_array();
    if (!o || !fs || !w || !e)
        goto fail;
    for (size_t k = 0; k < RK_COUNT; k++) {
        const struct roster_file_counts *c = &r->files[k];
        if (!c->mode)
            continue;
        json_t *f = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "mode", c->mode, "rows",
                              (json_int_t)c->rows, "created", (json_int_t)c->created, "updated",
                              (json_int_t)c->updated, "unchanged", (json_int_t)c->unchanged,
                              "deactivated", (json_int_t)c->deactivated);
        if (!f || json_object_set_new(fs, roster_file_name((enum roster_kind)k), f) < 0)
            goto fail;
    }
    for (size_t i = 0; i < r->n_warnings; i++)
        if (json_array_append_new(w, json_string(r->warnings[i])) < 0)
            goto fail;
    for (size_t i = 0; i < r->n_errors; i++)
        if (json_array_append_new(e, json_string(r->errors[i])) < 0)
            goto fail;
    if (json_object_set_new(o, "version", json_string(r->version)) < 0)
        goto fail;
    if (r->district_id &&
        json_object_set_new(
            o, "district",
            json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)r->district_id, "sourcedId",
                      r->district_sourced_id ? r->district_sourced_id : "", "name",
                      r->district_name ? r->district_name : "", "created", r->district_created)) <
            0)
        goto fail;
    json_object_set_new(o, "files", fs);
    json_object_set_new(o, "warnings", w);
    json_object_set_new(o, "errors", e);
    if (r->more_errors)
        json_object_set_new(o, "more_errors", json_integer((json_int_t)r->more_errors));
    return o;
fail:
    json_decref(o);
    json_decref(fs);
    json_decref(w);
    json_decref(e);
    return NULL;
}

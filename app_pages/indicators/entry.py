"""Data entry (数据填报): one unit's indicators for one year, checked as you type, saved or submitted."""
import streamlit as st

from core import numbers, ui
from core.indicators import catalogue as indicators, completeness, entry, exchange
from core.ledgers import reconcile
from core.models import Role, ValueStatus
from core.safe_text import plain
from core.settings import reporting_deadline
from core.ui import ledgers as ledger_ui

user = ui.guard("indicator_entry")
ui.page_header("indicator_entry", "indicator_entry.subtitle")
ui.show_flash("indicator_entry_flash")
lang = ui.lang()

years = ui.read(indicators.reporting_years)
left, right = st.columns([1, 3])
year = left.selectbox(ui.t("indicators.year"), years, key="indicator_entry_year")
if user.role == Role.MEMBER:
    if user.member_id is None:
        st.warning(ui.t("indicator_entry.no_unit"), icon=":material/warning:")
        st.stop()
    member_id = user.member_id
else:
    units = ui.read(completeness.expected_units, year)
    if units.empty:
        st.info(ui.t("indicator_entry.no_units"), icon=":material/info:")
        st.stop()
    names = dict(zip(units["member_id"], units["unit"]))
    member_id = right.selectbox(ui.t("indicator_entry.unit"), list(names), format_func=names.get,
                                key="indicator_entry_unit", help=ui.t("indicator_entry.unit_help"))

form = ui.read(entry.entry_form, user, member_id=member_id, year=year)
scope = f"entry{year}"
version = ui.edit_version(scope, member_id, form.version)
deadline = ui.read(reporting_deadline, year)
st.markdown(f"**{plain(form.unit_name)}** · {ui.t(f'member_type.{form.unit_type}')} · "
            + ui.t("indicator_entry.deadline", year=year, deadline=deadline.isoformat()))
status = form.status or "none"
locked = form.status in entry.LOCKED
if form.status == ValueStatus.REJECTED or (form.status == ValueStatus.DRAFT and form.reason):
    # the reason stays in view while the unit corrects the report, until it is submitted again
    st.warning(ui.t("indicator_entry.rejected", reason=form.reason), icon=":material/undo:")
elif form.status == ValueStatus.SUBMITTED:
    st.info(ui.t("indicator_entry.submitted", on_time=ui.t("common.yes" if form.on_time else "common.no")),
            icon=":material/hourglass_top:")
elif form.status == ValueStatus.APPROVED:
    st.success(ui.t("indicator_entry.approved"), icon=":material/lock:")
else:
    st.caption(ui.t(f"indicator_entry.status_{status}"))
if form.rows.empty:
    st.info(ui.t("indicator_entry.nothing_to_report"), icon=":material/info:")
    st.stop()

# ---------------------------------------------------------------- Excel: first, where a liaison looks
# The other way to report: this unit's template, filled in and uploaded. Above the form (not
# folded away under it), and its preview above the form's checks, which are about what is
# stored, not about the file being previewed.


def _imported(batch):
    ui.forget_edit_version(scope, member_id)  # the form shows the imported values next run
    return "values_import.done", exchange.summary_params(batch)


def _show_import(preview, replan) -> None:
    ui.values_preview(preview)
    ui.finish_import(
        preview, key="indicator_entry_import", flash_key="indicator_entry_flash",
        replan=replan,
        commit=lambda session, fresh, only_valid: exchange.commit(session, user, fresh, only_valid=only_valid),
        flash=_imported)


with st.container(border=True):
    hint, get = st.columns([3, 2], vertical_alignment="center")
    hint.markdown(f"**{ui.t('values_import.expander')}**  \n:gray[{ui.t('values_import.route_hint')}]")
    with get:
        ui.download_workbook(ui.t("values_import.unit_template", year=year),
                             lambda: ui.read(exchange.template, user, member_id=member_id, year=year, lang=lang),
                             file_name=ui.t("values_import.unit_template_file", unit=form.unit_name, year=year),
                             key="indicator_entry_template")
    if locked:
        st.caption(ui.t("values_import.locked_hint"))
    else:
        ui.upload_preview("indicator_entry_import", ui.t("values_import.upload"), exchange.plan, user,
                          help=ui.t("values_import.upload_help"), member_id=member_id, show=_show_import)

values: dict[int, tuple[object, str]] = {}
value_labels: dict[int, str] = {}  # for what was typed, should a save be refused as stale
ledger_figures = ui.read(reconcile.figures_for, user, member_id=member_id, year=year)  # linked indicators
with st.container(key=f"{ui.WIDE_ONLY}entry_head"):  # on a phone each cell says what it is instead
    head = st.columns([4, 2, 2, 3])
    for column, key in zip(head, ("col_indicator", "col_value", "col_last_year", "col_comment")):
        column.markdown(f"**{ui.t(f'indicator_entry.{key}')}**")
for row in form.rows.itertuples():
    cells = st.columns([4, 2, 2, 3], vertical_alignment="center")
    unit = row.unit_zh if lang == "zh" else row.unit_en
    cells[0].markdown(f"{row.code} {row.name_zh if lang == 'zh' else row.name_en}  \n:gray[{unit}]"
                      + ledger_ui.ledger_note(ledger_figures, row.indicator_id))
    decimals = int(row.decimals)
    step = 1.0 if decimals == 0 else 10.0 ** -decimals
    value = cells[1].number_input(
        row.code, value=None if row.value is None or row.value != row.value else float(row.value),
        step=step, format=f"%.{decimals}f", label_visibility="collapsed", disabled=locked,
        key=ui.field_key(scope, member_id, f"value_{row.indicator_id}"), placeholder="—")
    last = row.last_year
    # Labelled in the cell itself: on a phone the columns stack and the header is far above.
    cells[2].markdown(f":gray[{ui.t('indicator_entry.last_year_inline')}] {numbers.text(last, decimals)}")
    comment = cells[3].text_input(row.code, row.comment, label_visibility="collapsed", disabled=locked,
                                  placeholder=ui.t("indicator_entry.comment_hint"), max_chars=1000,
                                  key=ui.field_key(scope, member_id, f"comment_{row.indicator_id}"))
    values[row.indicator_id] = (value, comment)
    value_labels[row.indicator_id] = f"{row.code} {row.name_zh if lang == 'zh' else row.name_en}"

problems = [] if locked else ui.read(entry.problems_for, user, member_id=member_id, year=year, values=values)
hard = [p for p in problems if p.blocks_save]
soft = [p for p in problems if not p.blocks_save]
for problem in hard:
    st.error(ui.t(problem.key, code=problem.code, **problem.params), icon=":material/error:")
if soft:  # in view, not folded away: the submit button waits for these
    st.warning(ui.t("indicator_entry.before_submit", count=len(soft)) + "\n\n"
               + "\n".join(f"- {ui.t(problem.key, code=problem.code, **problem.params)}" for problem in soft),
               icon=":material/checklist:")

if not locked:
    save_col, submit_col, _ = st.columns([1, 1, 3])
    if save_col.button(ui.t("indicator_entry.save_draft"), key="indicator_entry_save", disabled=bool(hard)):
        ui.save_and_rerun(entry.save, user, member_id=member_id, year=year, values=values,
                          expected_version=version, flash_key="indicator_entry_flash",
                          flash="indicator_entry.saved", reload=(scope, member_id), labels=value_labels)
    if ui.confirm_button(ui.t("indicator_entry.submit"), key="indicator_entry_submit", where=submit_col,
                         type="primary", disabled=bool(problems),
                         message=ui.t("indicator_entry.confirm_submit", year=year)):
        ui.save_and_rerun(entry.save, user, member_id=member_id, year=year, values=values,
                          expected_version=version, submit=True, flash_key="indicator_entry_flash",
                          flash="indicator_entry.submitted_flash", reload=(scope, member_id), labels=value_labels)

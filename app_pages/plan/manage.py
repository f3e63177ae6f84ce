"""Plan management (方案管理): new plans, areas, tasks and milestones; milestone updates by Excel."""

import pandas as pd
import streamlit as st

from core import ui
from core.plan import exchange as plan_exchange, names as plan_names, tracking as plan_service
from core.timeutil import china_today

user = ui.guard("plan_manage")
ui.page_header("plan_manage", "plan_manage.subtitle")
ui.show_flash("plan_manage_flash")


def save(fn, *args, **kwargs) -> None:
    ui.save_and_rerun(fn, *args, flash_key="plan_manage_flash", flash="plan_manage.saved", **kwargs)


plans = ui.read(plan_service.plans)
current = ui.read(plan_service.current_plan)
excel_tab, structure_tab = st.tabs([ui.t("plan_manage.tab_excel"), ui.t("plan_manage.tab_structure")])

with excel_tab:
    if current is None:
        st.info(ui.t("plan.no_plans"), icon=":material/info:")
    else:
        st.caption(ui.t("plan_manage.excel_hint", plan=plan_service.plan_title(current, ui.lang())))
        lang, plan_id = ui.lang(), current.id
        ui.download_workbook(ui.t("plan_manage.template"),
                             lambda: ui.read(plan_exchange.update_template, plan_id, lang=lang),
                             file_name=ui.t("plan_manage.template_file"), key="plan_manage_template")
        preview, replan = ui.upload_preview("plan_manage", ui.t("plan_manage.upload"),
                                            plan_exchange.plan_updates, user)
        if preview is not None:
            ui.import_counts(preview, ("change", "unchanged", "rejected"))
            if preview.changes:
                st.dataframe(pd.DataFrame([
                    {ui.t("excel.col_row"): p.row, ui.t("plan.col_no"): p.key,
                     ui.t("plan.col_milestone"): p.label,
                     ui.t("excel.col_field"): ui.t(f"plan.field_{field}"),
                     ui.t("excel.col_old"): str(old if old is not None else ""),
                     ui.t("excel.col_new"): str(new)}
                    for p in preview.changes for field, (old, new) in p.changes.items()]),
                    hide_index=True, width="stretch")
            ui.finish_import(
                preview, key="plan_manage", flash_key="plan_manage_flash",
                replan=replan,
                commit=lambda session, fresh, only_valid: plan_exchange.commit_updates(
                    session, user, fresh, only_valid=only_valid),
                flash=lambda batch: ("plan_manage.imported", {"changed": batch.rows_changed}))

with structure_tab:
    if plans:
        labels = {p.id: plan_service.plan_choice_label(p, ui.lang()) for p in plans}
        plan_id = st.selectbox(ui.t("plan.plan"), list(labels), format_func=labels.get,
                               index=list(labels).index(current.id), key="plan_manage_plan")
        if not next(p for p in plans if p.id == plan_id).is_current and \
                st.button(ui.t("plan_manage.make_current"), key="plan_manage_current"):
            save(plan_service.set_current, user, plan_id)
        areas, tasks = ui.read(plan_service.tree_options, plan_id, ui.lang())
        area_col, task_col = st.columns(2, gap="large")
        with area_col.form("plan_manage_area", clear_on_submit=True):
            st.markdown(f"**{ui.t('plan_manage.add_area')}**")
            area_title = st.text_input(ui.t("plan.col_area"), key="plan_manage_area_title")
            area_title_en = st.text_input(ui.t("plan_manage.name_en"), key="plan_manage_area_title_en",
                                          help=ui.t("plan_manage.name_en_help"))
            add_area = st.form_submit_button(ui.t("plan_manage.add"))
        if add_area:
            save(plan_service.add_area, user, plan_id, area_title, area_title_en)
        if areas:
            with task_col.form("plan_manage_task", clear_on_submit=True):
                st.markdown(f"**{ui.t('plan_manage.add_task')}**")
                area_names = dict(areas)
                area_id = st.selectbox(ui.t("plan.col_area"), list(area_names), format_func=area_names.get)
                task_title = st.text_input(ui.t("plan.col_task"), key="plan_manage_task_title")
                task_title_en = st.text_input(ui.t("plan_manage.name_en"), key="plan_manage_task_title_en",
                                              help=ui.t("plan_manage.name_en_help"))
                add_task = st.form_submit_button(ui.t("plan_manage.add"))
            if add_task:
                save(plan_service.add_task, user, area_id, task_title, title_en=task_title_en)
        if tasks:
            owners = dict(ui.read(plan_service.owners))
            with st.form("plan_manage_milestone", clear_on_submit=True):
                st.markdown(f"**{ui.t('plan_manage.add_milestone')}**")
                task_names = dict(tasks)
                task_id = st.selectbox(ui.t("plan.col_task"), list(task_names), format_func=task_names.get)
                name_zh, name_en = st.columns(2)
                m_title = name_zh.text_input(ui.t("plan.col_milestone"), key="plan_manage_m_title")
                m_title_en = name_en.text_input(ui.t("plan_manage.name_en"), key="plan_manage_m_title_en",
                                                help=ui.t("plan_manage.name_en_help"))
                left, mid, right = st.columns(3)
                m_start = left.date_input(ui.t("plan.col_start"), china_today(), key="plan_manage_m_start")
                m_due = mid.date_input(ui.t("plan.col_due"), china_today(), key="plan_manage_m_due")
                m_owner = right.selectbox(ui.t("plan.col_owner"), list(owners), format_func=owners.get,
                                          key="plan_manage_m_owner")
                add_milestone = st.form_submit_button(ui.t("plan_manage.add"))
            if add_milestone:
                save(plan_service.add_milestone, user, task_id, {
                    "title": m_title, "title_en": m_title_en, "planned_start": m_start, "planned_due": m_due,
                    "owner_staff_id": m_owner})
        with st.expander(ui.t("plan_manage.rename"), icon=":material/translate:"):
            st.caption(ui.t("plan_manage.rename_hint"))
            items = {f"{i['kind']}:{i['id']}": i for i in ui.read(plan_names.named_items, plan_id, ui.lang())}
            picked = items[st.selectbox(ui.t("plan_manage.rename_pick"), list(items), key="plan_manage_rename_pick",
                                        format_func=lambda key: items[key]["label"])]
            with st.form(f"plan_manage_rename_{picked['kind']}_{picked['id']}"):
                zh_col, en_col = st.columns(2)
                item_key = f"{picked['kind']}_{picked['id']}"
                new_zh = zh_col.text_input(ui.t("plan_manage.name_zh"), picked["title"],
                                           key=f"plan_manage_rename_zh_{item_key}")
                new_en = en_col.text_input(ui.t("plan_manage.name_en"), picked["title_en"],
                                           key=f"plan_manage_rename_en_{item_key}")
                renamed = st.form_submit_button(ui.t("common.save"))
            if renamed:
                save(plan_names.rename, user, kind=picked["kind"], item_id=picked["id"], title=new_zh,
                     title_en=new_en, expected=(picked["title"], picked["title_en"]))
    with st.expander(ui.t("plan_manage.new_plan"), icon=":material/add:"):
        with st.form("plan_manage_new_plan"):
            code = st.text_input(ui.t("plan_manage.code"), key="plan_manage_code")
            title = st.text_input(ui.t("plan_manage.title"), key="plan_manage_title")
            title_en = st.text_input(ui.t("plan_manage.name_en"), key="plan_manage_title_en",
                                     help=ui.t("plan_manage.name_en_help"))
            left, right = st.columns(2)
            start_year = left.number_input(ui.t("plan_manage.start_year"), 2000, 2100, china_today().year)
            end_year = right.number_input(ui.t("plan_manage.end_year"), 2000, 2100, china_today().year + 2)
            description = st.text_area(ui.t("plan_manage.description"))
            make_current = st.checkbox(ui.t("plan_manage.make_current"))
            new_plan = st.form_submit_button(ui.t("plan_manage.create"), type="primary")
        if new_plan:
            save(plan_service.add_plan, user, code=code, title=title, title_en=title_en, start_year=int(start_year),
                 end_year=int(end_year), description=description, make_current=make_current)

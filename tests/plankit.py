"""A complete action plan as the form posts it, and helpers to drive the workflow."""

from __future__ import annotations

from conftest import csrf_token

COMPLETE = {
    "title": "Kolam lele bersama untuk 20 rumah tangga desil 1 di Nganti",
    "problem": "Rumah tangga desil 1 di Nganti tidak punya penghasilan tetap.",
    "evidence": "DTSEN (Inpres 4/2025): 20 rumah tangga desil 1, dicek kader Posyandu.",
    "target_group": "Rumah tangga desil 1 dan 2",
    "villages": ["Nganti"],
    "other_villages": "Sumberarum",
    "indicators-0-name": "Pendapatan rumah tangga sasaran",
    "indicators-0-unit": "Rp/bulan",
    "indicators-0-baseline": "600000",
    "indicators-0-baseline_date": "2026-11-01",
    "indicators-0-target": "1200000",
    "indicators-0-target_date": "2027-11-01",
    "stakeholders-0-role": "pemerintah",
    "stakeholders-0-name": "Pemerintah Desa Nganti",
    "stakeholders-0-contribution": "Lahan kas desa dan APBDes",
    "stakeholders-1-role": "dunia_usaha",
    "stakeholders-1-name": "Pengepul lele kecamatan",
    "stakeholders-1-contribution": "Membeli panen dengan harga tetap",
    "activities-0-activity": "Pelatihan budi daya",
    "activities-0-milestone": "20 orang lulus pelatihan",
    "activities-0-date": "2027-02-01",
    "activities-1-activity": "Panen pertama",
    "activities-1-milestone": "Panen terjual",
    "activities-1-date": "2027-05-01",
    "budget-0-source": "APBDes",
    "budget-0-purpose": "Benih dan pakan siklus pertama",
    "budget-0-amount": "15000000",
    "risks-0-risk": "Kemarau panjang",
    "risks-0-mitigation": "Sumur bor bersama",
    "sustainability": "Dikelola BUMDes; sebagian hasil panen untuk modal siklus berikutnya.",
}


def post_plan(client, cohort: str, data: dict, action: str = "save", version: int | None = None):
    """POST the plan form as the browser would (with the version the page showed)."""
    page = client.get(f"/learn/{cohort}/plan").get_data(as_text=True)
    if version is None:
        version = int(page.split('name="draft_version" type="hidden" value="')[1].split('"')[0])
    return client.post(f"/learn/{cohort}/plan", data={
        **data, "action": action, "draft_version": str(version),
        "csrf_token": csrf_token(client, f"/learn/{cohort}/plan")})


def grade_form(plan_id: int, client, state_version: int, levels: dict[str, int], **fields):
    data = {f"level-{cid}": str(points) for cid, points in levels.items()}
    data.update({f"comment-{cid}": f"Komentar {cid}" for cid in levels})
    data.update(state_version=str(state_version), csrf_token=csrf_token(
        client, f"/grading/plans/{plan_id}"), mode="change" if "reason" in fields else "decide",
        **fields)
    return client.post(f"/grading/plans/{plan_id}/grade", data=data)

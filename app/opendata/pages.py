"""The /data page and the files it offers. Thin: find the package of the current data (built once per
data version, app/opendata/files.py), then render the page or send the file."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response

from app.data_version import served_version
from app.ingest.package_format import DESCRIPTOR
from app.kit.etag import CACHE_CONTROL, cache_key, etag_for, etag_matches
from app.opendata import views
from app.opendata.files import BuiltPackage, get_package_files
from app.templating import get_templates
from app.urls import DATA_PATH

router = APIRouter(tags=["pages"], include_in_schema=False)


def _package() -> BuiltPackage:
    try:
        return get_package_files().current(served_version.get())
    except OSError as exc:  # the folder is not ours, or the disk is full: say so, not a 500
        raise HTTPException(
            503, f"The download files cannot be prepared just now ({type(exc).__name__}); try again later."
        ) from None


@router.get(DATA_PATH)
def data_page(request: Request) -> Response:
    context = views.data_page(_package(), str(request.base_url))
    return get_templates().TemplateResponse(request, "data/index.html", dict(context))


@router.get(DATA_PATH + "/{name}")
def data_file(name: str, request: Request) -> Response:
    package = _package()
    if package.file(name) is None:
        raise HTTPException(
            404, f"The data package has no file named “{name[:80]}”: its files are listed at /data."
        )
    # The page cache sets the same ETag on public answers; an admin's browser (cookies) gets it here.
    etag = etag_for(package.data_version, cache_key(request.scope))
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if etag_matches(etag, request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    disposition = "inline" if name == DESCRIPTOR else "attachment"
    return FileResponse(
        package.path(name),
        media_type=views.media_type(name),
        filename=name,
        content_disposition_type=disposition,
        headers=headers,
    )

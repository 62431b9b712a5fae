"""Open a .docx in LibreOffice as a person would, and turn it into a PDF (used by tests and checks)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, *, timeout: float = 120) -> bytes:
    """Convert with headless LibreOffice in its own profile; raise if it produced no PDF.

    LibreOffice can exit 0 having written nothing, so the output file is checked, not the exit code.
    """
    pdf = _convert(docx, "pdf:writer_pdf_Export", "pdf", timeout)
    if not pdf.startswith(b"%PDF"):
        raise RuntimeError("LibreOffice produced no PDF")
    return pdf


def docx_to_text(docx: bytes, *, timeout: float = 120) -> str:
    """The text LibreOffice reads from the document, as a person opening it would see it."""
    return _convert(docx, "txt:Text (encoded):UTF8", "txt", timeout).decode("utf-8-sig")


def _convert(docx: bytes, filter_name: str, suffix: str, timeout: float) -> bytes:
    binary = soffice()
    if binary is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="cj-soffice-") as tmp:
        work = Path(tmp)
        source = work / "document.docx"
        source.write_bytes(docx)
        subprocess.run(
            [
                binary,
                f"-env:UserInstallation=file://{work / 'profile'}",
                "--headless",
                "--convert-to",
                filter_name,
                "--outdir",
                str(work),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        out = work / f"document.{suffix}"
        if not out.is_file() or out.stat().st_size == 0:
            raise RuntimeError(f"LibreOffice produced no .{suffix}")
        return out.read_bytes()

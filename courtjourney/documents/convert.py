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
                "pdf:writer_pdf_Export",
                "--outdir",
                str(work),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        pdf = work / "document.pdf"
        if not pdf.is_file() or not pdf.read_bytes().startswith(b"%PDF"):
            raise RuntimeError("LibreOffice produced no PDF")
        return pdf.read_bytes()

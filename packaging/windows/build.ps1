# Build kpdesk for Windows: the one-folder bundle (dist\kpdesk\kpdesk.exe and kpdesk-cli.exe) and, when
# Inno Setup 6 is installed, a per-user installer (dist\kpdesk-VERSION-oppsett.exe) that needs no
# administrator. Run from the repository in PowerShell, with Python 3.11 or 3.12 from python.org:
#
#     powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
#
# Kept working by review and by .github/workflows/bundle.yml; it cannot be built on the Linux CI machine.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")

# The project's own virtual environment, never a system-wide PySide6 (the spec refuses one outside it).
if (-not (Test-Path .venv\Scripts\python.exe)) { py -3 -m venv .venv }
.venv\Scripts\python.exe -m pip install -q --disable-pip-version-check --upgrade pip
.venv\Scripts\python.exe -m pip install -q --disable-pip-version-check -e ".[bundle]"

Remove-Item -Recurse -Force dist\kpdesk, build\pyinstaller -ErrorAction SilentlyContinue
.venv\Scripts\pyinstaller.exe packaging\kpdesk.spec --noconfirm --clean --log-level WARN `
    --distpath dist --workpath build\pyinstaller
if ($LASTEXITCODE -ne 0) { throw "PyInstaller feilet ($LASTEXITCODE)" }

$version = (.venv\Scripts\python.exe -c "import kpdesk; print(kpdesk.__version__)").Trim()
$iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"
if (Test-Path $iscc) {
    & $iscc "/DAppVersion=$version" packaging\windows\kpdesk.iss
    if ($LASTEXITCODE -ne 0) { throw "Inno Setup feilet ($LASTEXITCODE)" }
} else {
    Write-Host "Inno Setup 6 er ikke installert: bare dist\kpdesk ble bygget (winget install JRSoftware.InnoSetup)."
}

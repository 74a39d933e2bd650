; Inno Setup 6 script: a per-user installer for the bundle in dist\kpdesk (packaging\windows\build.ps1
; runs it). It installs under %LOCALAPPDATA%\Programs\kpdesk without administrator rights, adds kpdesk to
; the Start menu (and the desktop, if chosen), and an uninstaller. The data file and its backups (in
; %LOCALAPPDATA%\kpdesk) are never touched by installing, upgrading or uninstalling.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6F2B8E3A-4C1D-4B7E-9A55-2D0C7E1F8B31}
AppName=kpdesk
AppVersion={#AppVersion}
AppPublisher=kpdesk
AppComments=Koordinering for lokale studiesentre
; Per user, no UAC prompt: office laptops rarely give coordinators administrator rights.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={localappdata}\Programs\kpdesk
DefaultGroupName=kpdesk
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\kpdesk.exe
SetupIconFile=..\..\resources\icons\kpdesk.ico
OutputDir=..\..\dist
OutputBaseFilename=kpdesk-{#AppVersion}-oppsett
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; An upgrade replaces the program while kpdesk is closed.
CloseApplications=yes

[Languages]
Name: "norsk"; MessagesFile: "compiler:Languages\Norwegian.isl"

[Tasks]
Name: "desktopicon"; Description: "Lag en snarvei på skrivebordet"; GroupDescription: "Snarveier:"; Flags: unchecked

[Files]
; The whole one-folder bundle; an upgrade first removes the old program folder's files (not the data).
Source: "..\..\dist\kpdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\kpdesk"; Filename: "{app}\kpdesk.exe"; Comment: "Koordinering for lokale studiesentre"
Name: "{autodesktop}\kpdesk"; Filename: "{app}\kpdesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\kpdesk.exe"; Description: "Start kpdesk"; Flags: nowait postinstall skipifsilent

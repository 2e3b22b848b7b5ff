; Inno Setup 6 script for the Windows installer. Build on Windows (see README.md next to this file):
;
;   iscc /DAppVersion=0.1.0 packaging\windows\readinglist.iss
;
; from the checkout's root, after PyInstaller wrote dist\readinglist\ (readinglist.exe for the
; command line, readinglist-gui.exe for the Start menu). Writes dist\readinglist-<version>-setup.exe.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (it is in readinglist\_version.py)
#endif
#define AppName "Reading List"
#define AppId "io.github.readinglist.ReadingList"
#define BundleDir "..\..\dist\readinglist"

[Setup]
; AppId identifies the installation for upgrades and uninstall: never change it.
AppId={{6F1D2C43-8B7E-4F0A-9C55-2E7A1B3D9F64}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The readinglist team
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user install without administrator rights by default; all users when elevated.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=readinglist-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\app\{#AppId}.ico
UninstallDisplayIcon={app}\readinglist-gui.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\readinglist-gui.exe"; AppUserModelID: "{#AppId}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\readinglist-gui.exe"; AppUserModelID: "{#AppId}"; Tasks: desktopicon

[Run]
Filename: "{app}\readinglist-gui.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

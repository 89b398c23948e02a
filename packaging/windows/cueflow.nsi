; NSIS installer for Cueflow on Windows (64-bit).
;
; Installs the PyInstaller onedir bundle (dist\cueflow, built on Windows by
; `packaging/build.sh windows` or `pyinstaller packaging/cueflow.spec`) to
; $PROGRAMFILES64\Cueflow, with a Start-menu shortcut, an uninstaller with its
; "Apps & features" entry, and an optional "Start at login" section.
;
;   makensis -DVERSION=0.1.0 -DPAYLOAD=dist\cueflow -DOUTFILE=dist\Cueflow-0.1.0-setup.exe packaging\windows\cueflow.nsi
;
; `packaging/build.sh nsis-check` compiles this script on Linux against a placeholder payload.

Unicode true
!include "MUI2.nsh"
!include "x64.nsh"

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef PAYLOAD
  !define PAYLOAD "..\..\dist\cueflow"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\Cueflow-${VERSION}-setup.exe"
!endif

!define APPNAME "Cueflow"
; The installer's and uninstaller's icon (packaging/render_icons.py makes it from the SVG).
!define MUI_ICON "cueflow.ico"
!define MUI_UNICON "cueflow.ico"
!define EXE "cueflow.exe"
; The same program without a console window (packaging/cueflow.spec): what the
; Start menu, the finish page and "Start at login" run for the window and tray.
!define WINEXE "cueflow-window.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Cueflow"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"

Name "${APPNAME}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APPNAME}"
InstallDirRegKey HKLM "${UNINST_KEY}" "InstallLocation"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APPNAME}"
VIAddVersionKey "FileDescription" "${APPNAME} installer"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "The Cueflow authors"

!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${WINEXE}"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "Cueflow needs 64-bit Windows."
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

Section "Cueflow (required)" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; a previous version's files must not linger next to the new ones
  RMDir /r "$INSTDIR\_internal"
  File /r "${PAYLOAD}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APPNAME}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk" "$INSTDIR\${WINEXE}" "" "$INSTDIR\${WINEXE}" 0
  CreateShortcut "$SMPROGRAMS\${APPNAME}\Uninstall ${APPNAME}.lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "The Cueflow authors"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${WINEXE}"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
SectionEnd

; Off by default. Writes the same value the app's own "Start at login" setting uses.
Section /o "Start at login" SecLogin
  WriteRegStr HKCU "${RUN_KEY}" "${APPNAME}" '"$INSTDIR\${WINEXE}" --tray'
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecMain} "The Cueflow program and its Start-menu entry."
  !insertmacro MUI_DESCRIPTION_TEXT ${SecLogin} "Start Cueflow in the tray when you log in, so scheduled runs happen."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Section "Uninstall"
  ; the user's data (%LOCALAPPDATA%\Cueflow) and keychain entries are kept
  DeleteRegValue HKCU "${RUN_KEY}" "${APPNAME}"
  Delete "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk"
  Delete "$SMPROGRAMS\${APPNAME}\Uninstall ${APPNAME}.lnk"
  RMDir "$SMPROGRAMS\${APPNAME}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\${WINEXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINST_KEY}"
SectionEnd

<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="de_DE">
<context>
    <name>FileActions</name>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="58" />
        <source>&amp;Import workflow file…</source>
        <translation>&amp;Workflow-Datei importieren…</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="60" />
        <source>&amp;Export workflows…</source>
        <translation>Workflows &amp;exportieren…</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="63" />
        <source>Export workflows and &amp;things…</source>
        <translation>Workflows und &amp;Dinge exportieren…</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="67" />
        <source>Export &amp;history as CSV…</source>
        <translation>&amp;Verlauf als CSV exportieren…</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="84" />
        <source>Import a workflow file</source>
        <translation>Eine Workflow-Datei importieren</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="93" />
        <source>Replace what exists?</source>
        <translation>Vorhandenes ersetzen?</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="94" />
        <source>This file has names that already exist: {names}. Replace them?</source>
        <translation>Diese Datei enthält Namen, die es schon gibt: {names}. Ersetzen?</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="127" />
        <source>Imported {file}: {summary}</source>
        <translation>{file} importiert: {summary}</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="132" />
        <source>Export workflows and things</source>
        <translation>Workflows und Dinge exportieren</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="132" />
        <source>Export workflows</source>
        <translation>Workflows exportieren</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="140" />
        <source>Exported to {file}</source>
        <translation>Exportiert nach {file}</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="147" />
        <source>Export the run history</source>
        <translation>Den Verlauf exportieren</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="147" />
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="156" />
        <source>Exported {count} runs to {file}</source>
        <translation>{count} Läufe nach {file} exportiert</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="174" />
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="185" />
        <source>Nothing was imported</source>
        <translation>Nichts wurde importiert</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="175" />
        <source>The file has {count} problems; nothing of it was written.</source>
        <translation>Die Datei hat {count} Probleme; nichts davon wurde geschrieben.</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="179" />
        <source>The file has a problem; nothing of it was written: {problem}</source>
        <translation>Die Datei hat ein Problem; nichts davon wurde geschrieben: {problem}</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/file_actions.py" line="185" />
        <source>That did not work</source>
        <translation>Das hat nicht geklappt</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="48" />
        <source>Cueflow</source>
        <translation>Cueflow</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="90" />
        <source>Show</source>
        <translation>Zeigen</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="139" />
        <source>&amp;New workflow</source>
        <translation>&amp;Neuer Workflow</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="142" />
        <source>Load &amp;examples</source>
        <translation>&amp;Beispiele laden</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="144" />
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="146" />
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="149" />
        <source>&amp;Redo</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="153" />
        <source>&amp;Find</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="156" />
        <source>&amp;Run now…</source>
        <translation>Jetzt &amp;ausführen…</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="160" />
        <source>&amp;Schedule…</source>
        <translation>&amp;Planen…</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="166" />
        <source>&amp;Pause all runs</source>
        <translation>Alle Läufe &amp;pausieren</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="183" />
        <source>&amp;About Cueflow</source>
        <translation>&amp;Über Cueflow</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="188" />
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="198" />
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="204" />
        <source>&amp;Run</source>
        <translation>&amp;Ausführen</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="210" />
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="214" />
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="313" />
        <source>Paused · no run starts until you resume</source>
        <translation>Pausiert · kein Lauf startet, bis Sie fortsetzen</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="315" />
        <source>Scheduler stopped</source>
        <translation>Planer angehalten</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="316" />
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="318" />
        <source>1 run going</source>
        <translation>1 Lauf aktiv</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="318" />
        <source>{n} runs going</source>
        <translation>{n} Läufe aktiv</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="322" />
        <source>nothing scheduled</source>
        <translation>nichts geplant</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="324" />
        <source>next run now</source>
        <translation>nächster Lauf jetzt</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="326" />
        <source>next run {when}</source>
        <translation>nächster Lauf {when}</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="337" />
        <source>Run {id} ({workflow}): {status}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="428" />
        <source>{file}: {summary}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="440" />
        <source>{file}: replaced what existed; {summary}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="448" />
        <source>{file}: kept both ({names}); {summary}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="450" />
        <source>no renames</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="456" />
        <source>{file}: skipped ({names} already exist)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="462" />
        <source>{file}: not loaded: {reason}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="477" />
        <source>the workflow</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="478" />
        <source>the trigger</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="479" />
        <source>the data type</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="480" />
        <source>the thing</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="489" />
        <source>Example already loaded</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="490" />
        <source>The example {file} uses names you already have:
{names}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="497" />
        <source>Replace overwrites yours with the example. Keep both loads the example's workflows and triggers under new names{example}. Skip leaves this example out.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="502" />
        <source>Replace</source>
        <translation>Ersetzen</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="503" />
        <source>Keep both</source>
        <translation>Beide behalten</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="504" />
        <source>Skip</source>
        <translation>Überspringen</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="512" />
        <source>Examples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="520" />
        <source>Welcome to Cueflow</source>
        <translation>Willkommen bei Cueflow</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="522" />
        <source>This data folder is empty. Load the example workflows (birthday emails, a daily digest, trial reminders) to start from?</source>
        <translation>Dieser Datenordner ist leer. Die Beispiel-Workflows (Geburtstags-E-Mails, eine tägliche Übersicht, Testphasen-Erinnerungen) als Start laden?</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="527" />
        <source>Load the examples</source>
        <translation>Beispiele laden</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="528" />
        <source>Start empty</source>
        <translation>Leer beginnen</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="540" />
        <source>About Cueflow</source>
        <translation>Über Cueflow</translation>
    </message>
    <message>
        <location filename="../../work/main/app/ui/shell/main_window.py" line="542" />
        <source>Cueflow {version}
Design and run backend workflows.
Data folder: {folder}</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>
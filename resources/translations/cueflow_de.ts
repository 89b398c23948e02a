<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ActionMenu</name>
    <message>
        <location filename="../../app/ui/areas/workflows/action_menu.py" line="52"/>
        <source>Search actions…</source>
        <translation>Aktionen suchen…</translation>
    </message>
</context>
<context>
    <name>Actions</name>
    <message>
        <location filename="../../app/ui/action_words.py" line="14"/>
        <source>Create a new thing</source>
        <translation>Neues Ding anlegen</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="15"/>
        <source>the new thing</source>
        <translation>das neue Ding</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="16"/>
        <source>Data type</source>
        <translation>Datentyp</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="17"/>
        <source>Data type of the new thing</source>
        <translation>Datentyp des neuen Dings</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="18"/>
        <source>Fields</source>
        <translation>Felder</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="19"/>
        <source>Field values</source>
        <translation>Feldwerte</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="20"/>
        <source>Make changes to a thing</source>
        <translation>Ein Ding ändern</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="21"/>
        <source>the changed thing, or list of things</source>
        <translation>das geänderte Ding oder die Liste der Dinge</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="22"/>
        <source>Thing</source>
        <translation>Ding</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="23"/>
        <source>The thing (or list of things) to change</source>
        <translation>Das zu ändernde Ding (oder die Liste von Dingen)</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="24"/>
        <source>Field values to set</source>
        <translation>Zu setzende Feldwerte</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="25"/>
        <source>Delete a thing</source>
        <translation>Ein Ding löschen</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="26"/>
        <source>number deleted</source>
        <translation>Anzahl gelöschter</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="27"/>
        <source>The thing (or list) to delete</source>
        <translation>Das zu löschende Ding (oder die Liste)</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="28"/>
        <source>Send email</source>
        <translation>E-Mail senden</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="29"/>
        <source>the message&apos;s ID</source>
        <translation>die ID der Nachricht</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="30"/>
        <source>To</source>
        <translation>An</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="31"/>
        <source>Recipient address, or a list of them</source>
        <translation>Empfängeradresse oder eine Liste davon</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="32"/>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="33"/>
        <source>Subject line</source>
        <translation>Betreffzeile</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="34"/>
        <source>Body</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="35"/>
        <source>The message (HTML when Send as HTML is ticked)</source>
        <translation>Die Nachricht (HTML, wenn „Als HTML senden“ angehakt ist)</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="36"/>
        <source>Send as HTML</source>
        <translation>Als HTML senden</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="37"/>
        <source>Send the body as HTML</source>
        <translation>Den Text als HTML senden</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="38"/>
        <source>Cc</source>
        <translation>Cc</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="39"/>
        <source>Copy to</source>
        <translation>Kopie an</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="40"/>
        <source>Bcc</source>
        <translation>Bcc</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="41"/>
        <source>Blind copy to</source>
        <translation>Blindkopie an</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="42"/>
        <source>Reply to</source>
        <translation>Antwort an</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="43"/>
        <source>Address for replies</source>
        <translation>Adresse für Antworten</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="44"/>
        <source>Run a workflow and wait</source>
        <translation>Workflow ausführen und warten</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="45"/>
        <source>what it returned</source>
        <translation>was er zurückgegeben hat</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="46"/>
        <source>Workflow</source>
        <translation>Workflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="47"/>
        <source>The workflow to run inline</source>
        <translation>Der Workflow, der direkt ausgeführt wird</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="48"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="49"/>
        <source>Its parameters</source>
        <translation>Seine Parameter</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="50"/>
        <source>Return data</source>
        <translation>Daten zurückgeben</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="51"/>
        <source>ends the workflow</source>
        <translation>beendet den Workflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="52"/>
        <source>Values</source>
        <translation>Werte</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="53"/>
        <source>Values to give back</source>
        <translation>Zurückzugebende Werte</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="54"/>
        <source>Show a notification</source>
        <translation>Benachrichtigung anzeigen</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="55"/>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="56"/>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="57"/>
        <source>Write to the run log</source>
        <translation>Ins Ausführungsprotokoll schreiben</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="58"/>
        <source>The line to write</source>
        <translation>Die zu schreibende Zeile</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="59"/>
        <source>Terminate this workflow</source>
        <translation>Diesen Workflow beenden</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="60"/>
        <source>ends the workflow, status terminated</source>
        <translation>beendet den Workflow mit Status „beendet“</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="61"/>
        <source>Schedule a workflow</source>
        <translation>Workflow planen</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="62"/>
        <source>run ID</source>
        <translation>Ausführungs-ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="63"/>
        <source>The workflow to run</source>
        <translation>Der auszuführende Workflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="64"/>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="65"/>
        <source>When (default: now)</source>
        <translation>Wann (Standard: jetzt)</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="66"/>
        <source>Repeat every</source>
        <translation>Wiederholen alle</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="67"/>
        <source>Repeat: e.g. 1 day, 2 hours, cron:0 9 * * 1-5</source>
        <translation>Wiederholung: z. B. 1 day, 2 hours, cron:0 9 * * 1-5</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="68"/>
        <source>Ignore privacy rules</source>
        <translation>Datenschutzregeln ignorieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="69"/>
        <source>Run it ignoring privacy rules</source>
        <translation>Ohne Datenschutzregeln ausführen</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="70"/>
        <source>Schedule a workflow on a list</source>
        <translation>Workflow für eine Liste planen</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="71"/>
        <source>list of run IDs</source>
        <translation>Liste von Ausführungs-IDs</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="72"/>
        <source>The workflow to run for each item</source>
        <translation>Der Workflow, der für jeden Eintrag ausgeführt wird</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="73"/>
        <source>List</source>
        <translation>Liste</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="74"/>
        <source>The items (e.g. a search)</source>
        <translation>Die Einträge (z. B. eine Suche)</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="75"/>
        <source>Parameter for each item</source>
        <translation>Parameter für jeden Eintrag</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="76"/>
        <source>The parameter that receives each item</source>
        <translation>Der Parameter, der jeden Eintrag erhält</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="77"/>
        <source>Other parameters, the same for every item</source>
        <translation>Weitere Parameter, für jeden Eintrag gleich</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="78"/>
        <source>When the first runs (default: now)</source>
        <translation>Wann der erste läuft (Standard: jetzt)</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="79"/>
        <source>Seconds between items</source>
        <translation>Sekunden zwischen Einträgen</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="80"/>
        <source>Cancel a scheduled run</source>
        <translation>Geplante Ausführung abbrechen</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="81"/>
        <source>number cancelled</source>
        <translation>Anzahl abgebrochener</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="82"/>
        <source>Run ID</source>
        <translation>Ausführungs-ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="83"/>
        <source>Run ID, or a list of run IDs</source>
        <translation>Ausführungs-ID oder eine Liste davon</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="84"/>
        <source>Call a web API</source>
        <translation>Web-API aufrufen</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="85"/>
        <source>status, headers, json, text</source>
        <translation>Status, Header, JSON, Text</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="86"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="87"/>
        <source>HTTP method</source>
        <translation>HTTP-Methode</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="88"/>
        <source>Address (URL)</source>
        <translation>Adresse (URL)</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="89"/>
        <source>Address, http:// or https://</source>
        <translation>Adresse, http:// oder https://</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="90"/>
        <source>Headers</source>
        <translation>Header</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="91"/>
        <source>Request headers</source>
        <translation>Anfrage-Header</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="92"/>
        <source>Query parameters</source>
        <translation>Abfrageparameter</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="93"/>
        <source>Query string parameters</source>
        <translation>Parameter der Abfragezeichenfolge</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="94"/>
        <source>JSON body</source>
        <translation>JSON-Inhalt</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="95"/>
        <source>A value sent as a JSON body</source>
        <translation>Ein Wert, der als JSON-Inhalt gesendet wird</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="96"/>
        <source>A text body (instead of json)</source>
        <translation>Ein Textinhalt (statt JSON)</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="97"/>
        <source>Wait at most (seconds)</source>
        <translation>Höchstens warten (Sekunden)</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="98"/>
        <source>Seconds to wait for the answer</source>
        <translation>Sekunden, die auf die Antwort gewartet wird</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="99"/>
        <source>Accept error answers</source>
        <translation>Fehlerantworten akzeptieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/action_words.py" line="100"/>
        <source>Do not fail on a 4xx/5xx answer</source>
        <translation>Bei einer 4xx/5xx-Antwort nicht fehlschlagen</translation>
    </message>
</context>
<context>
    <name>AddThingDialog</name>
    <message>
        <location filename="../../app/ui/dialogs/thing_dialog.py" line="61"/>
        <source>Add {type}</source>
        <translation>{type} hinzufügen</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/thing_dialog.py" line="83"/>
        <source>This data type has no fields yet.</source>
        <translation>Dieser Datentyp hat noch keine Felder.</translation>
    </message>
</context>
<context>
    <name>ApiSection</name>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="75"/>
        <source>Start it over HTTP (Workflow API)</source>
        <translation>Über HTTP starten (Workflow-API)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="80"/>
        <source>Other programs may start this workflow</source>
        <translation>Andere Programme dürfen diesen Workflow starten</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="87"/>
        <source>A token (made in Settings)</source>
        <translation>Ein Token (in den Einstellungen erstellt)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="88"/>
        <source>Nothing: anyone</source>
        <translation>Nichts: jeder</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="91"/>
        <source>Callers need</source>
        <translation>Aufrufer brauchen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="93"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="97"/>
        <source>When the run has finished</source>
        <translation>Wenn der Lauf beendet ist</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="98"/>
        <source>At once (the run goes on)</source>
        <translation>Sofort (der Lauf geht weiter)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="101"/>
        <source>Answer</source>
        <translation>Antworten</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="102"/>
        <source>Answer success when its condition is not met</source>
        <translation>Erfolg melden, wenn seine Bedingung nicht erfüllt ist</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="109"/>
        <source>The workflow&apos;s address</source>
        <translation>Die Adresse des Workflows</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="110"/>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="118"/>
        <source>A curl command that starts it</source>
        <translation>Ein curl-Befehl, der ihn startet</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="119"/>
        <source>Try it</source>
        <translation>Ausprobieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="138"/>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="140"/>
        <source>Copy {what}</source>
        <translation>{what} kopieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="165"/>
        <source>Served while Settings ▸ Workflow API is on (or by &apos;cueflow runner --api&apos;).</source>
        <translation>Erreichbar, solange Einstellungen ▸ Workflow-API eingeschaltet ist (oder über &apos;cueflow runner --api&apos;).</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/api_section.py" line="167"/>
        <source>Not reachable over HTTP.</source>
        <translation>Nicht über HTTP erreichbar.</translation>
    </message>
</context>
<context>
    <name>CueflowTray</name>
    <message>
        <location filename="../../app/ui/shell/tray.py" line="124"/>
        <source>Open Cueflow</source>
        <translation>Cueflow öffnen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray.py" line="131"/>
        <location filename="../../app/ui/shell/tray.py" line="221"/>
        <source>Upcoming runs</source>
        <translation>Anstehende Läufe</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray.py" line="141"/>
        <source>Run workflow</source>
        <translation>Workflow ausführen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray.py" line="148"/>
        <source>Quit Cueflow</source>
        <translation>Cueflow beenden</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray.py" line="158"/>
        <source>No workflows yet</source>
        <translation>Noch keine Workflows</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray.py" line="166"/>
        <source>Opens the form: this workflow needs input</source>
        <translation>Öffnet das Formular: dieser Workflow braucht Eingaben</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray.py" line="168"/>
        <source>Runs now</source>
        <translation>Läuft sofort</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray.py" line="221"/>
        <source>Nothing scheduled</source>
        <translation>Nichts geplant</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray.py" line="276"/>
        <source>Runs missed while closed</source>
        <translation>Während Cueflow geschlossen war, verpasste Läufe</translation>
    </message>
</context>
<context>
    <name>DataArea</name>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="92"/>
        <location filename="../../app/ui/areas/data/area.py" line="218"/>
        <source>Data types</source>
        <translation>Datentypen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="97"/>
        <source>New data type…</source>
        <translation>Neuer Datentyp…</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="106"/>
        <source>Fields</source>
        <translation>Felder</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="111"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="111"/>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="111"/>
        <source>Is a list</source>
        <translation>Ist eine Liste</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="141"/>
        <source>Add field</source>
        <translation>Feld hinzufügen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="144"/>
        <source>Remove field</source>
        <translation>Feld entfernen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="153"/>
        <source>Things</source>
        <translation>Dinge</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="158"/>
        <source>Search things</source>
        <translation>Dinge suchen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="162"/>
        <source>Add thing</source>
        <translation>Ding hinzufügen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="166"/>
        <source>Delete…</source>
        <translation>Löschen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="204"/>
        <source>Fields and things</source>
        <translation>Felder und Dinge</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="214"/>
        <source>Privacy rules</source>
        <translation>Datenschutzregeln</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="222"/>
        <source>Triggers</source>
        <translation>Auslöser</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="318"/>
        <source>Change the fields of {type}</source>
        <translation>Felder von {type} ändern</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="345"/>
        <source>{old} to {new}</source>
        <translation>{old} in {new}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="349"/>
        <location filename="../../app/ui/areas/data/area.py" line="411"/>
        <source>Added the field {fields}</source>
        <translation>Feld {fields} hinzugefügt</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="351"/>
        <source>Renamed the field {fields}</source>
        <translation>Feld {fields} umbenannt</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="353"/>
        <source>Renamed the field {fields} (1 {type} kept its value)</source>
        <translation>Feld {fields} umbenannt (1 {type} hat seinen Wert behalten)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="355"/>
        <source>Renamed the field {fields} ({n} {types} kept their values)</source>
        <translation>Feld {fields} umbenannt ({n} Dinge vom Typ {type} haben ihre Werte behalten)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="393"/>
        <source>{field}: {type} (guessed from its name; change it in Type)</source>
        <translation>{field}: {type} (aus dem Namen geraten; unter Typ änderbar)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="395"/>
        <source>{field}: {type}</source>
        <translation>{field}: {type}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="405"/>
        <source>Not added: {reason}</source>
        <translation>Nicht hinzugefügt: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="461"/>
        <source>guessed from the name</source>
        <translation>aus dem Namen geraten</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="604"/>
        <source>Delete {type} {label}?</source>
        <translation>{type} {label} löschen?</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="604"/>
        <source>Delete {n} {types}?</source>
        <translation>{n} {types} löschen?</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="622"/>
        <source>Deleted {n} {types}</source>
        <translation>{n} {types} gelöscht</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="648"/>
        <source>Not undone: something else changed since; use Edit ▸ Undo.</source>
        <translation>Nicht rückgängig gemacht: seitdem hat sich etwas anderes geändert; nutzen Sie Bearbeiten ▸ Rückgängig.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="512"/>
        <source>New data type</source>
        <translation>Neuer Datentyp</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="513"/>
        <source>Name (e.g. Customer)</source>
        <translation>Name (z. B. Kunde)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="514"/>
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="527"/>
        <source>&apos;{name}&apos; cannot be a new data type name: {reason}</source>
        <translation>„{name}“ kann kein Name eines neuen Datentyps sein: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="534"/>
        <source>Type the first field&apos;s name (e.g. email), then Return for the next.</source>
        <translation>Geben Sie den Namen des ersten Feldes ein (z. B. email), dann Eingabe für das nächste.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="577"/>
        <source>Add {type} {label}</source>
        <translation>{type} {label} hinzufügen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="583"/>
        <source>Added {type} {label}</source>
        <translation>{type} {label} hinzugefügt</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="607"/>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="618"/>
        <source>Delete {type} {label}</source>
        <translation>{type} {label} löschen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="619"/>
        <source>Deleted {type} {label}</source>
        <translation>{type} {label} gelöscht</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/area.py" line="621"/>
        <source>Delete {n} things</source>
        <translation>{n} Dinge löschen</translation>
    </message>
</context>
<context>
    <name>DateTimeEdit</name>
    <message>
        <location filename="../../app/ui/widgets/datetime_edit.py" line="127"/>
        <source>Date and time</source>
        <translation>Datum und Uhrzeit</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/datetime_edit.py" line="129"/>
        <source>Type the date and time, or pick a day from the calendar. Tab moves on.</source>
        <translation>Datum und Uhrzeit eintippen oder einen Tag im Kalender wählen. Tab geht weiter.</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/datetime_edit.py" line="133"/>
        <source>Calendar</source>
        <translation>Kalender</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/datetime_edit.py" line="189"/>
        <source>Time zone {zone}</source>
        <translation>Zeitzone {zone}</translation>
    </message>
</context>
<context>
    <name>DesktopApp</name>
    <message>
        <location filename="../../app/ui/shell/desktop.py" line="160"/>
        <source>Cueflow is already running</source>
        <translation>Cueflow läuft bereits</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/desktop.py" line="160"/>
        <source>Its icon is here, in the tray.</source>
        <translation>Sein Symbol ist hier, im Infobereich.</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/desktop.py" line="203"/>
        <source>Quit Cueflow?</source>
        <translation>Cueflow beenden?</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/desktop.py" line="206"/>
        <source>1 scheduled run will not run while Cueflow is closed. When it starts again, its workflow&apos;s missed-run policy applies (run late or skip).

Quit anyway?</source>
        <translation>1 geplanter Lauf wird nicht ausgeführt, solange Cueflow geschlossen ist. Beim nächsten Start gilt die Regel seines Workflows für verpasste Läufe (später ausführen oder überspringen).

Trotzdem beenden?</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/desktop.py" line="212"/>
        <source>{n} scheduled runs will not run while Cueflow is closed. When it starts again, each workflow&apos;s missed-run policy applies (run late or skip).

Quit anyway?</source>
        <translation>{n} geplante Läufe werden nicht ausgeführt, solange Cueflow geschlossen ist. Beim nächsten Start gilt die Regel jedes Workflows für verpasste Läufe (später ausführen oder überspringen).

Trotzdem beenden?</translation>
    </message>
</context>
<context>
    <name>DynamicDataButton</name>
    <message>
        <location filename="../../app/ui/widgets/dynamic_data.py" line="76"/>
        <source>Insert data</source>
        <translation>Daten einfügen</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/dynamic_data.py" line="79"/>
        <source>Insert dynamic data: a parameter, the result of an earlier step, the current user, now …</source>
        <translation>Dynamische Daten einfügen: einen Parameter, das Ergebnis eines früheren Schritts, den aktuellen Benutzer, jetzt …</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/dynamic_data.py" line="83"/>
        <source>Insert dynamic data</source>
        <translation>Dynamische Daten einfügen</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/dynamic_data.py" line="132"/>
        <source>More (IDs, searches)</source>
        <translation>Mehr (IDs, Suchen)</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/dynamic_data.py" line="140"/>
        <source>Nothing here fits this input</source>
        <translation>Nichts hier passt zu dieser Eingabe</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/dynamic_data.py" line="195"/>
        <source>Change a value (capitals, + days, formats …)</source>
        <translation>Einen Wert ändern (Großbuchstaben, + Tage, Formate …)</translation>
    </message>
</context>
<context>
    <name>EditsMixin</name>
    <message>
        <location filename="../../app/ui/areas/workflows/edits.py" line="87"/>
        <source>Change {what}</source>
        <translation>{what} ändern</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/edits.py" line="94"/>
        <source>Workflow colour</source>
        <translation>Farbe des Workflows</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/edits.py" line="101"/>
        <source>Change colour</source>
        <translation>Farbe ändern</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/edits.py" line="120"/>
        <source>Edit parameters</source>
        <translation>Parameter bearbeiten</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/edits.py" line="134"/>
        <source>Add parameter</source>
        <translation>Parameter hinzufügen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/edits.py" line="145"/>
        <source>Remove parameter</source>
        <translation>Parameter entfernen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/edits.py" line="157"/>
        <source>Move parameter</source>
        <translation>Parameter verschieben</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/edits.py" line="179"/>
        <source>Add step {n} · {label}</source>
        <translation>Schritt {n} hinzufügen · {label}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/edits.py" line="192"/>
        <source>Move step {a} to {b}</source>
        <translation>Schritt {a} nach {b} verschieben</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/edits.py" line="210"/>
        <source>Remove step {n}</source>
        <translation>Schritt {n} entfernen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/edits.py" line="225"/>
        <source>Edit step {n}</source>
        <translation>Schritt {n} bearbeiten</translation>
    </message>
</context>
<context>
    <name>FileActions</name>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="59"/>
        <source>&amp;Import workflow file…</source>
        <translation>&amp;Workflow-Datei importieren…</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="61"/>
        <source>&amp;Export workflows…</source>
        <translation>Workflows &amp;exportieren…</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="64"/>
        <source>Export workflows and &amp;things…</source>
        <translation>Workflows und &amp;Dinge exportieren…</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="68"/>
        <source>Export &amp;history as CSV…</source>
        <translation>&amp;Verlauf als CSV exportieren…</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="85"/>
        <source>Import a workflow file</source>
        <translation>Eine Workflow-Datei importieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="94"/>
        <source>Replace what exists?</source>
        <translation>Vorhandenes ersetzen?</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="95"/>
        <source>This file has names that already exist: {names}. Replace them?</source>
        <translation>Diese Datei enthält Namen, die es schon gibt: {names}. Ersetzen?</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="128"/>
        <source>Imported {file}: {summary}</source>
        <translation>{file} importiert: {summary}</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="133"/>
        <source>Export workflows and things</source>
        <translation>Workflows und Dinge exportieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="133"/>
        <source>Export workflows</source>
        <translation>Workflows exportieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="141"/>
        <source>Exported to {file}</source>
        <translation>Exportiert nach {file}</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="148"/>
        <source>Export the run history</source>
        <translation>Den Verlauf exportieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="148"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="157"/>
        <source>Exported {count} runs to {file}</source>
        <translation>{count} Läufe nach {file} exportiert</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="175"/>
        <location filename="../../app/ui/shell/file_actions.py" line="186"/>
        <source>Nothing was imported</source>
        <translation>Nichts wurde importiert</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="176"/>
        <source>The file has {count} problems; nothing of it was written.</source>
        <translation>Die Datei hat {count} Probleme; nichts davon wurde geschrieben.</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="180"/>
        <source>The file has a problem; nothing of it was written: {problem}</source>
        <translation>Die Datei hat ein Problem; nichts davon wurde geschrieben: {problem}</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/file_actions.py" line="186"/>
        <source>That did not work</source>
        <translation>Das hat nicht geklappt</translation>
    </message>
</context>
<context>
    <name>FlowView</name>
    <message>
        <location filename="../../app/ui/areas/workflows/flow.py" line="171"/>
        <source>Add a step here (or with a + above)</source>
        <translation>Hier einen Schritt hinzufügen (oder mit einem + darüber)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/flow.py" line="173"/>
        <source>Add a step here</source>
        <translation>Hier einen Schritt hinzufügen</translation>
    </message>
</context>
<context>
    <name>ForEachSection</name>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="318"/>
        <source>For each item in a list</source>
        <translation>Für jedes Element einer Liste</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="328"/>
        <source>Tick to schedule one run per thing or per value, a chosen time apart.</source>
        <translation>Ankreuzen, um einen Lauf je Ding oder je Wert zu planen, im gewählten Abstand.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="343"/>
        <source>Item goes into</source>
        <translation>Element kommt in</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="350"/>
        <source>Every thing matching</source>
        <translation>Jedes passende Ding</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="351"/>
        <source>Only the things selected below</source>
        <translation>Nur die unten ausgewählten Dinge</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="358"/>
        <source>search (empty: all)</source>
        <translation>Suche (leer: alle)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="373"/>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="471"/>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="389"/>
        <source>One value per line</source>
        <translation>Ein Wert pro Zeile</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="392"/>
        <source>Items</source>
        <translation>Elemente</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="398"/>
        <source> s between runs</source>
        <translation> s zwischen den Läufen</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="399"/>
        <source>Interval</source>
        <translation>Abstand</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="474"/>
        <source>Every {type} matching</source>
        <translation>Jedes passende Ding vom Typ {type}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="497"/>
        <source>The things could not be read: {reason}</source>
        <translation>Die Dinge konnten nicht gelesen werden: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="500"/>
        <source>No things of this type yet.</source>
        <translation>Noch keine Dinge dieses Typs.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="544"/>
        <source>The things could not be counted: {reason}</source>
        <translation>Die Dinge konnten nicht gezählt werden: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="555"/>
        <source>Counting…</source>
        <translation>Zähle…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="561"/>
        <source>1 run will be scheduled</source>
        <translation>1 Lauf wird geplant</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="563"/>
        <source>{n} runs will be scheduled</source>
        <translation>{n} Läufe werden geplant</translation>
    </message>
</context>
<context>
    <name>GettingStarted</name>
    <message>
        <location filename="../../app/ui/dialogs/getting_started.py" line="119"/>
        <source>Getting started</source>
        <translation>Erste Schritte</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/getting_started.py" line="172"/>
        <source>Five steps to a workflow that emails someone on their birthday. Each step ticks itself once it is done.</source>
        <translation>Fünf Schritte zu einem Workflow, der jemandem zum Geburtstag eine E-Mail schickt. Jeder Schritt hakt sich selbst ab, sobald er erledigt ist.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/getting_started.py" line="189"/>
        <source>Show me</source>
        <translation>Zeig es mir</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/getting_started.py" line="191"/>
        <location filename="../../app/ui/dialogs/getting_started.py" line="223"/>
        <source>Show me: {step}</source>
        <translation>Zeig es mir: {step}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/getting_started.py" line="202"/>
        <source>Fewer words</source>
        <translation>Weniger Text</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/getting_started.py" line="204"/>
        <source>Fold to one line at the bottom of the window</source>
        <translation>Auf eine Zeile am unteren Fensterrand einklappen</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/getting_started.py" line="228"/>
        <source>More words</source>
        <translation>Mehr Text</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/getting_started.py" line="235"/>
        <source>Close Getting started (Help ▸ Getting started opens it again)</source>
        <translation>Erste Schritte schließen (Hilfe ▸ Erste Schritte öffnet sie wieder)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/getting_started.py" line="237"/>
        <source>Close Getting started</source>
        <translation>Erste Schritte schließen</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/getting_started.py" line="338"/>
        <source>done</source>
        <translation>erledigt</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/getting_started.py" line="338"/>
        <source>step {n}</source>
        <translation>Schritt {n}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/getting_started.py" line="342"/>
        <source>All done: your first workflow works.</source>
        <translation>Alles erledigt: Ihr erster Workflow funktioniert.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/getting_started.py" line="344"/>
        <source>1 step to go.</source>
        <translation>Noch 1 Schritt.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/getting_started.py" line="346"/>
        <source>{n} steps to go.</source>
        <translation>Noch {n} Schritte.</translation>
    </message>
</context>
<context>
    <name>GrantEditor</name>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="58"/>
        <source>View all fields</source>
        <translation>Alle Felder sehen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="59"/>
        <source>View only these fields:</source>
        <translation>Nur diese Felder sehen:</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="60"/>
        <source>View no fields</source>
        <translation>Keine Felder sehen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="75"/>
        <source>Find in searches</source>
        <translation>In Suchen finden</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="76"/>
        <source>Modify</source>
        <translation>Ändern</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="77"/>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
</context>
<context>
    <name>HistoryChart</name>
    <message>
        <location filename="../../app/ui/areas/scheduler/history_chart.py" line="44"/>
        <source>Runs per day by status, and their durations</source>
        <translation>Läufe pro Tag nach Status und ihre Dauer</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/history_chart.py" line="55"/>
        <source>{n} runs finished in the last {d} days</source>
        <translation>{n} Läufe in den letzten {d} Tagen beendet</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/history_chart.py" line="76"/>
        <source>, median {t}</source>
        <translation>, Median {t}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/history_chart.py" line="82"/>
        <source>No run has finished in these days.</source>
        <translation>In diesen Tagen wurde kein Lauf beendet.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/history_chart.py" line="114"/>
        <source>Finished runs per day</source>
        <translation>Beendete Läufe pro Tag</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/history_chart.py" line="122"/>
        <source>No run has finished in the last {n} days.</source>
        <translation>In den letzten {n} Tagen wurde kein Lauf beendet.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/history_chart.py" line="183"/>
        <source>median duration</source>
        <translation>mittlere Dauer (Median)</translation>
    </message>
</context>
<context>
    <name>HistoryPage</name>
    <message>
        <location filename="../../app/ui/areas/scheduler/history_page.py" line="92"/>
        <source>Filter by workflow, ID or parameter</source>
        <translation>Nach Workflow, ID oder Parameter filtern</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/history_page.py" line="93"/>
        <source>Filter the history</source>
        <translation>Verlauf filtern</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/history_page.py" line="96"/>
        <source>Run again</source>
        <translation>Erneut ausführen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/history_page.py" line="100"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/history_page.py" line="103"/>
        <source>Run an interrupted or failed run again from the step where it stopped</source>
        <translation>Einen unterbrochenen oder fehlgeschlagenen Lauf ab dem Schritt erneut ausführen, an dem er stehen blieb</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/history_page.py" line="109"/>
        <source>No run has finished yet. Runs appear here once they start.</source>
        <translation>Noch kein Lauf ist beendet. Läufe erscheinen hier, sobald sie starten.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/history_page.py" line="118"/>
        <source>Run history</source>
        <translation>Verlauf der Läufe</translation>
    </message>
</context>
<context>
    <name>ListEditor</name>
    <message>
        <location filename="../../app/ui/widgets/inputs.py" line="461"/>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/inputs.py" line="464"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="39"/>
        <source>Workflows</source>
        <translation>Workflows</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="40"/>
        <source>Scheduler</source>
        <translation>Planer</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="41"/>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="42"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="62"/>
        <source>Cueflow</source>
        <translation>Cueflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="107"/>
        <source>Show</source>
        <translation>Zeigen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="162"/>
        <source>&amp;New workflow</source>
        <translation>&amp;Neuer Workflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="165"/>
        <source>Load &amp;examples</source>
        <translation>&amp;Beispiele laden</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="167"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="169"/>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="172"/>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="176"/>
        <source>&amp;Find</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="179"/>
        <source>&amp;Run now…</source>
        <translation>Jetzt &amp;ausführen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="183"/>
        <source>&amp;Schedule…</source>
        <translation>&amp;Planen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="189"/>
        <source>&amp;Pause all runs</source>
        <translation>Alle Läufe &amp;pausieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="206"/>
        <source>&amp;About Cueflow</source>
        <translation>&amp;Über Cueflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="209"/>
        <source>&amp;Getting started</source>
        <translation>&amp;Erste Schritte</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="214"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="224"/>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="230"/>
        <source>&amp;Run</source>
        <translation>&amp;Ausführen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="236"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="240"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="341"/>
        <source>Paused · no run starts until you resume</source>
        <translation>Pausiert · kein Lauf startet, bis Sie fortsetzen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="343"/>
        <source>Scheduler stopped</source>
        <translation>Planer angehalten</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="344"/>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="346"/>
        <source>1 run going</source>
        <translation>1 Lauf aktiv</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="346"/>
        <source>{n} runs going</source>
        <translation>{n} Läufe aktiv</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="350"/>
        <source>nothing scheduled</source>
        <translation>nichts geplant</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="352"/>
        <source>next run now</source>
        <translation>nächster Lauf jetzt</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="354"/>
        <source>next run {when}</source>
        <translation>nächster Lauf {when}</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="366"/>
        <source>{workflow}: {status}</source>
        <translation>{workflow}: {status}</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="368"/>
        <source>Run {id}</source>
        <translation>Lauf {id}</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="455"/>
        <source>{file}: {summary}</source>
        <translation>{file}: {summary}</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="467"/>
        <source>{file}: replaced what existed; {summary}</source>
        <translation>{file}: Vorhandenes ersetzt; {summary}</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="475"/>
        <source>{file}: kept both ({names}); {summary}</source>
        <translation>{file}: beide behalten ({names}); {summary}</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="477"/>
        <source>no renames</source>
        <translation>keine Umbenennungen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="483"/>
        <source>{file}: skipped ({names} already exist)</source>
        <translation>{file}: übersprungen ({names} gibt es schon)</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="489"/>
        <source>{file}: not loaded: {reason}</source>
        <translation>{file}: nicht geladen: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="504"/>
        <source>the workflow</source>
        <translation>der Workflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="505"/>
        <source>the trigger</source>
        <translation>der Auslöser</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="506"/>
        <source>the data type</source>
        <translation>der Datentyp</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="507"/>
        <source>the thing</source>
        <translation>das Ding</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="516"/>
        <source>Example already loaded</source>
        <translation>Beispiel schon geladen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="517"/>
        <source>The example {file} uses names you already have:
{names}</source>
        <translation>Das Beispiel {file} verwendet Namen, die Sie schon haben:
{names}</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="524"/>
        <source>Replace overwrites yours with the example. Keep both loads the example&apos;s workflows and triggers under new names{example}. Skip leaves this example out.</source>
        <translation>Ersetzen überschreibt Ihre mit dem Beispiel. Beide behalten lädt die Workflows und Auslöser des Beispiels unter neuen Namen{example}. Überspringen lässt dieses Beispiel aus.</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="529"/>
        <source>Replace</source>
        <translation>Ersetzen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="530"/>
        <source>Keep both</source>
        <translation>Beide behalten</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="531"/>
        <source>Skip</source>
        <translation>Überspringen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="539"/>
        <source>Examples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="547"/>
        <source>Welcome to Cueflow</source>
        <translation>Willkommen bei Cueflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="549"/>
        <source>This data folder is empty. Load the example workflows (birthday emails, a daily digest, trial reminders) to start from?</source>
        <translation>Dieser Datenordner ist leer. Die Beispiel-Workflows (Geburtstags-E-Mails, eine tägliche Übersicht, Testphasen-Erinnerungen) als Start laden?</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="554"/>
        <source>Load the examples</source>
        <translation>Beispiele laden</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="555"/>
        <source>Start empty</source>
        <translation>Leer beginnen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="580"/>
        <source>About Cueflow</source>
        <translation>Über Cueflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/main_window.py" line="582"/>
        <source>Cueflow {version}
Design and run backend workflows.
Data folder: {folder}</source>
        <translation>Cueflow {version}
Backend-Workflows entwerfen und ausführen.
Datenordner: {folder}</translation>
    </message>
</context>
<context>
    <name>MappingEditor</name>
    <message>
        <location filename="../../app/ui/widgets/step_form.py" line="73"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/step_form.py" line="73"/>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/step_form.py" line="80"/>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/step_form.py" line="81"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
</context>
<context>
    <name>NumberText</name>
    <message>
        <location filename="../../app/ui/dialogs/thing_dialog.py" line="44"/>
        <source>empty</source>
        <translation>leer</translation>
    </message>
</context>
<context>
    <name>OnlyWhen</name>
    <message>
        <location filename="../../app/ui/widgets/dynamic_data.py" line="259"/>
        <source>Only when: {condition}</source>
        <translation>Nur wenn: {condition}</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/dynamic_data.py" line="264"/>
        <source>only when a condition holds</source>
        <translation>nur wenn eine Bedingung erfüllt ist</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/dynamic_data.py" line="266"/>
        <source>only when {condition}</source>
        <translation>nur wenn {condition}</translation>
    </message>
</context>
<context>
    <name>OptionalDateEditor</name>
    <message>
        <location filename="../../app/ui/widgets/inputs.py" line="155"/>
        <source>empty, or e.g. {example}</source>
        <translation>leer, oder z. B. {example}</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/inputs.py" line="156"/>
        <source>Date and time (may stay empty)</source>
        <translation>Datum und Uhrzeit (darf leer bleiben)</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/inputs.py" line="160"/>
        <source>Pick a day</source>
        <translation>Einen Tag wählen</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/inputs.py" line="161"/>
        <source>Pick a day from a calendar</source>
        <translation>Einen Tag aus einem Kalender wählen</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/inputs.py" line="166"/>
        <source>Calendar</source>
        <translation>Kalender</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/inputs.py" line="180"/>
        <location filename="../../app/ui/widgets/inputs.py" line="227"/>
        <source>A day (09:00) or a day and a time, in {zone}</source>
        <translation>Ein Tag (09:00) oder ein Tag mit Uhrzeit, in {zone}</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/inputs.py" line="202"/>
        <source>{name}: type a date like {example}, or pick a day</source>
        <translation>{name}: ein Datum wie {example} eingeben oder einen Tag wählen</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/inputs.py" line="223"/>
        <source>Not a date yet: type it like {example}</source>
        <translation>Noch kein Datum: so eintippen wie {example}</translation>
    </message>
</context>
<context>
    <name>ParameterForm</name>
    <message>
        <location filename="../../app/ui/dialogs/parameter_form.py" line="39"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/parameter_form.py" line="56"/>
        <source>type a date like {example}, or pick a day</source>
        <translation>ein Datum wie {example} eingeben oder einen Tag wählen</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/parameter_form.py" line="81"/>
        <source>In the workflow: {{{{ {key} }}}}</source>
        <translation>Im Workflow: {{{{ {key} }}}}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/parameter_form.py" line="87"/>
        <source>This workflow has no parameters.</source>
        <translation>Dieser Workflow hat keine Parameter.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/parameter_form.py" line="94"/>
        <source>{name} (optional)</source>
        <translation>{name} (optional)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/parameter_form.py" line="96"/>
        <source>{name} ({kind}, optional)</source>
        <translation>{name} ({kind}, optional)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/parameter_form.py" line="97"/>
        <source>{name} ({kind})</source>
        <translation>{name} ({kind})</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/parameter_form.py" line="162"/>
        <source>from {thing}&apos;s {field}</source>
        <translation>aus {field} von {thing}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/parameter_form.py" line="200"/>
        <source>{name} holds a character that cannot be stored (a NUL character, or bytes that are not UTF-8)</source>
        <translation>{name} enthält ein Zeichen, das nicht gespeichert werden kann (ein NUL-Zeichen oder Bytes, die kein UTF-8 sind)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/parameter_form.py" line="218"/>
        <source>{name} needs a value</source>
        <translation>{name} braucht einen Wert</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/parameter_form.py" line="211"/>
        <source>{name} is needed: type a date like {example}, or pick a day</source>
        <translation>{name} wird gebraucht: ein Datum wie {example} eingeben oder einen Tag wählen</translation>
    </message>
</context>
<context>
    <name>ParametersTable</name>
    <message>
        <location filename="../../app/ui/areas/workflows/parameters.py" line="37"/>
        <location filename="../../app/ui/areas/workflows/parameters.py" line="126"/>
        <location filename="../../app/ui/areas/workflows/parameters.py" line="129"/>
        <source>Type of content</source>
        <translation>Art des Inhalts</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/parameters.py" line="37"/>
        <source>Is a list</source>
        <translation>Ist eine Liste</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/parameters.py" line="37"/>
        <source>Optional</source>
        <translation>Optional</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/parameters.py" line="37"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/parameters.py" line="42"/>
        <source>How steps read it, e.g. {{ birthday }}: lower-case letters, digits and _</source>
        <translation>Wie Schritte ihn lesen, z. B. {{ birthday }}: Kleinbuchstaben, Ziffern und _</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/parameters.py" line="83"/>
        <source>guessed from the key</source>
        <translation>aus dem Schlüssel geraten</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/parameters.py" line="126"/>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
</context>
<context>
    <name>PrivacyEditor</name>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="178"/>
        <source>Rules</source>
        <translation>Regeln</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="182"/>
        <source>Add rule</source>
        <translation>Regel hinzufügen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="183"/>
        <source>Remove rule</source>
        <translation>Regel entfernen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="189"/>
        <source>A thing gets what every rule whose condition holds grants; when none holds, what everyone else gets.</source>
        <translation>Ein Ding erhält, was jede Regel gewährt, deren Bedingung zutrifft; trifft keine zu, was alle anderen erhalten.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="197"/>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="203"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="221"/>
        <source>When</source>
        <translation>Wenn</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="225"/>
        <source>Grants</source>
        <translation>Gewährt</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="228"/>
        <source>Everyone else (when no rule matches)</source>
        <translation>Alle anderen (wenn keine Regel zutrifft)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="230"/>
        <source>Give everyone else some access</source>
        <translation>Allen anderen etwas Zugriff geben</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="251"/>
        <source>Revert</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="255"/>
        <source>Save privacy rules</source>
        <translation>Datenschutzregeln speichern</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="313"/>
        <source>rule {n}</source>
        <translation>Regel {n}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="315"/>
        <source>Rule {n} needs a name</source>
        <translation>Regel {n} braucht einen Namen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="317"/>
        <source>Two rules are called &apos;{name}&apos;</source>
        <translation>Zwei Regeln heißen &apos;{name}&apos;</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="324"/>
        <source>Choose a data type.</source>
        <translation>Wählen Sie einen Datentyp.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="328"/>
        <source>&lt;b&gt;{type}&lt;/b&gt; has no privacy rules: every run may find, read, modify and delete its things. Add a rule to restrict that.</source>
        <translation>&lt;b&gt;{type}&lt;/b&gt; hat keine Datenschutzregeln: jeder Lauf darf seine Dinge finden, lesen, ändern und löschen. Fügen Sie eine Regel hinzu, um das einzuschränken.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="335"/>
        <source>Runs see &lt;b&gt;{type}&lt;/b&gt; things through these rules for the user they run as (unless privacy rules are ignored): a thing gets what every matching rule grants, or else what everyone else gets. This window always sees everything.</source>
        <translation>Läufe sehen &lt;b&gt;{type}&lt;/b&gt;-Dinge durch diese Regeln für den Benutzer, als der sie laufen (außer Datenschutzregeln werden ignoriert): ein Ding erhält, was jede passende Regel gewährt, sonst was alle anderen erhalten. Dieses Fenster sieht immer alles.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="345"/>
        <source>Unsaved changes</source>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="384"/>
        <source>Reads: {words}</source>
        <translation>Bedeutet: {words}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="407"/>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="415"/>
        <source>Rule {n}</source>
        <translation>Regel {n}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="450"/>
        <source>The privacy rules of {type} have unsaved changes.</source>
        <translation>Die Datenschutzregeln von {type} haben ungespeicherte Änderungen.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="457"/>
        <source>They cannot be saved yet: {reason}</source>
        <translation>Sie können noch nicht gespeichert werden: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="459"/>
        <source>Unsaved privacy rules</source>
        <translation>Ungespeicherte Datenschutzregeln</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/privacy_editor.py" line="494"/>
        <source>Saved the privacy rules of {type}</source>
        <translation>Datenschutzregeln von {type} gespeichert</translation>
    </message>
</context>
<context>
    <name>RepeatSection</name>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="89"/>
        <source>Repeat</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="96"/>
        <source>Does not repeat</source>
        <translation>Keine Wiederholung</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="96"/>
        <source>Every</source>
        <translation>Alle</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="96"/>
        <source>Cron expression</source>
        <translation>Cron-Ausdruck</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="118"/>
        <source>MIN HOUR DOM MON DOW, e.g. 0 9 * * 1-5</source>
        <translation>MIN STUNDE TAG MONAT WOCHENTAG, z. B. 0 9 * * 1-5</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="122"/>
        <source>in</source>
        <translation>in</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="224"/>
        <source>no time zone is called &apos;{text}&apos;: type a city such as Berlin, or pick one from the list</source>
        <translation>keine Zeitzone heißt &apos;{text}&apos;: geben Sie eine Stadt wie Berlin ein oder wählen Sie eine aus der Liste</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="267"/>
        <source>Runs once.</source>
        <translation>Läuft einmal.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="279"/>
        <source>Runs {description}.</source>
        <translation>Läuft {description}.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="290"/>
        <source>⚠ clocks change (daylight saving time): {old} → {new}</source>
        <translation>⚠ Zeitumstellung (Sommerzeit): {old} → {new}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/schedule_sections.py" line="298"/>
        <source>No upcoming times.</source>
        <translation>Keine anstehenden Termine.</translation>
    </message>
</context>
<context>
    <name>RunAsFollower</name>
    <message>
        <location filename="../../app/ui/dialogs/run_as.py" line="93"/>
        <source>Runs as the {param} chosen above, so it sees what {type}&apos;s privacy rules let that {type} see. Pick someone else here to change that.</source>
        <translation>Läuft als der oben gewählte Parameter {param} und sieht daher, was die Datenschutzregeln von {type} diesem {type} zu sehen erlauben. Wählen Sie hier jemand anderen, um das zu ändern.</translation>
    </message>
</context>
<context>
    <name>RunDetails</name>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="73"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="75"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="80"/>
        <source>1 field</source>
        <translation>1 Feld</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="82"/>
        <source>{n} fields</source>
        <translation>{n} Felder</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="87"/>
        <source>1 item</source>
        <translation>1 Eintrag</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="89"/>
        <source>{n} items</source>
        <translation>{n} Einträge</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="123"/>
        <source>{n} more</source>
        <translation>{n} weitere</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="177"/>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="234"/>
        <source>Select a run above to see its steps.</source>
        <translation>Oben einen Lauf auswählen, um seine Schritte zu sehen.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="184"/>
        <source>Attempt shown</source>
        <translation>Angezeigter Versuch</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="195"/>
        <source>Steps of the run</source>
        <translation>Schritte des Laufs</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="197"/>
        <source>Step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="197"/>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="209"/>
        <source>Log of the run</source>
        <translation>Protokoll des Laufs</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="210"/>
        <source>The run&apos;s log lines appear here.</source>
        <translation>Die Protokollzeilen des Laufs erscheinen hier.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="238"/>
        <source>This run is no longer in the ledger.</source>
        <translation>Dieser Lauf ist nicht mehr im Journal.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="241"/>
        <source>&lt;b&gt;{workflow}&lt;/b&gt; · &lt;b&gt;{status}&lt;/b&gt;</source>
        <translation>&lt;b&gt;{workflow}&lt;/b&gt; · &lt;b&gt;{status}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="246"/>
        <source> · attempt {attempt}</source>
        <translation> · Versuch {attempt}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="248"/>
        <source> · test run: emails and web calls were previewed, not sent</source>
        <translation> · Testlauf: E-Mails und Web-Aufrufe wurden nur in der Vorschau gezeigt, nicht gesendet</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="250"/>
        <source>Run {id}</source>
        <translation>Lauf {id}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="265"/>
        <source>no step</source>
        <translation>kein Schritt</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="267"/>
        <source>Attempt {n} — {status}</source>
        <translation>Versuch {n} — {status}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="275"/>
        <source>No step has run yet.</source>
        <translation>Noch kein Schritt wurde ausgeführt.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="305"/>
        <source>{status} · {duration}</source>
        <translation>{status} · {duration}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="315"/>
        <source>Inputs</source>
        <translation>Eingaben</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="332"/>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="342"/>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/run_details.py" line="345"/>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
</context>
<context>
    <name>RunDialog</name>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="93"/>
        <source>Run {name} now</source>
        <translation>{name} jetzt ausführen</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="93"/>
        <source>Schedule {name}</source>
        <translation>{name} planen</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="119"/>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="122"/>
        <source>Nobody in particular (no current user)</source>
        <translation>Niemand Bestimmtes (kein aktueller Benutzer)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="132"/>
        <source>The user this run acts for: privacy rules and “Current user” follow them.</source>
        <translation>Der Benutzer, für den dieser Lauf handelt: Datenschutzregeln und „Aktueller Benutzer“ richten sich nach ihm.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="143"/>
        <source>Run as</source>
        <translation>Ausführen als</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="144"/>
        <source>Ignore privacy rules</source>
        <translation>Datenschutzregeln ignorieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="150"/>
        <source>Now</source>
        <translation>Jetzt</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="151"/>
        <source>At</source>
        <translation>Um</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="152"/>
        <source>After</source>
        <translation>Nach</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="165"/>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="217"/>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="226"/>
        <source>Run now</source>
        <translation>Jetzt ausführen</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="226"/>
        <source>Schedule</source>
        <translation>Planen</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="273"/>
        <source>The workflow has problems: {first}</source>
        <translation>Der Workflow hat Probleme: {first}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="285"/>
        <source>Run as: no thing with ID &apos;{id}&apos;</source>
        <translation>Ausführen als: kein Ding mit der ID „{id}“</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="289"/>
        <source>Repeat: {reason}</source>
        <translation>Wiederholen: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="291"/>
        <source>A list is scheduled once; turn off Repeat or For each.</source>
        <translation>Eine Liste wird einmal geplant; schalten Sie Wiederholen oder Für jedes aus.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="294"/>
        <source>For each: counting the things that match…</source>
        <translation>Für jedes: zähle die passenden Dinge…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="296"/>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="396"/>
        <source>For each: the list is empty.</source>
        <translation>Für jedes: die Liste ist leer.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="368"/>
        <source>Repeating schedule</source>
        <translation>Wiederkehrender Zeitplan</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="369"/>
        <source>Scheduled {name} to repeat: {rule}</source>
        <translation>{name} wiederkehrend geplant: {rule}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="373"/>
        <source>Started run</source>
        <translation>Lauf gestartet</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="374"/>
        <source>Started {name}</source>
        <translation>{name} gestartet</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="376"/>
        <source>Scheduled run</source>
        <translation>Geplanter Lauf</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="377"/>
        <source>Scheduled {name} for {when}</source>
        <translation>{name} geplant für {when}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="437"/>
        <source>Scheduling {n} runs of {name}…</source>
        <translation>{n} Läufe von {name} werden geplant…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="440"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="446"/>
        <source>Scheduling</source>
        <translation>Planen</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="467"/>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="485"/>
        <source>Scheduled 1 run:</source>
        <translation>1 Lauf geplant:</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="487"/>
        <source>Scheduled {n} runs; the first is</source>
        <translation>{n} Läufe geplant; der erste ist</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/run_dialog.py" line="501"/>
        <source>Cancelled: nothing was left scheduled ({n} undone).</source>
        <translation>Abgebrochen: nichts blieb geplant ({n} zurückgenommen).</translation>
    </message>
</context>
<context>
    <name>RunStatus</name>
    <message>
        <location filename="../../app/ui/models/runs.py" line="57"/>
        <source>Scheduled</source>
        <translation>Geplant</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="58"/>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="59"/>
        <source>Succeeded</source>
        <translation>Erfolgreich</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="60"/>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="61"/>
        <source>Stopped by a step</source>
        <translation>Von einem Schritt beendet</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="62"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="63"/>
        <source>Missed</source>
        <translation>Verpasst</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="64"/>
        <source>Interrupted</source>
        <translation>Unterbrochen</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="65"/>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
</context>
<context>
    <name>RunsTable</name>
    <message>
        <location filename="../../app/ui/models/runs.py" line="408"/>
        <location filename="../../app/ui/models/runs.py" line="699"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="409"/>
        <location filename="../../app/ui/models/runs.py" line="700"/>
        <source>Workflow</source>
        <translation>Workflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="410"/>
        <location filename="../../app/ui/models/runs.py" line="701"/>
        <source>Scheduled for</source>
        <translation>Geplant für</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="411"/>
        <location filename="../../app/ui/models/runs.py" line="705"/>
        <source>Attempt</source>
        <translation>Versuch</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="412"/>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="413"/>
        <source>Run as</source>
        <translation>Ausführen als</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="414"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="415"/>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="416"/>
        <location filename="../../app/ui/models/runs.py" line="707"/>
        <source>Started by</source>
        <translation>Gestartet von</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="702"/>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="703"/>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="704"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="706"/>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
</context>
<context>
    <name>SchedulerArea</name>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="90"/>
        <source>Upcoming</source>
        <translation>Anstehend</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="91"/>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="92"/>
        <source>Schedules</source>
        <translation>Zeitpläne</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="94"/>
        <source>Timeline</source>
        <translation>Zeitleiste</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="277"/>
        <source>{n} upcoming</source>
        <translation>{n} anstehend</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="314"/>
        <source>Run {id} is no longer upcoming</source>
        <translation>Lauf {id} steht nicht mehr an</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="357"/>
        <source>Cancelled run {id}</source>
        <translation>Lauf {id} abgebrochen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="359"/>
        <location filename="../../app/ui/areas/scheduler/area.py" line="408"/>
        <source>Cancelled {n} runs</source>
        <translation>{n} Läufe abgebrochen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="382"/>
        <source>Scheduled again: {n} runs</source>
        <translation>Wieder geplant: {n} Läufe</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="350"/>
        <source>{title} ({when})</source>
        <translation>{title} ({when})</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="355"/>
        <source>Cancelled {what}</source>
        <translation>Abgebrochen: {what}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="384"/>
        <source>Scheduled again: {what}</source>
        <translation>Wieder geplant: {what}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="385"/>
        <source>1 run</source>
        <translation>1 Lauf</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="402"/>
        <source>Cancel all {n} upcoming runs? This cannot be undone.</source>
        <translation>Alle {n} anstehenden Läufe abbrechen? Das kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="405"/>
        <source>Cancel all</source>
        <translation>Alle abbrechen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="416"/>
        <source>All runs paused</source>
        <translation>Alle Läufe pausiert</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="416"/>
        <source>Runs resumed</source>
        <translation>Läufe fortgesetzt</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="422"/>
        <source>Resume runs</source>
        <translation>Läufe fortsetzen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="422"/>
        <source>Pause all runs</source>
        <translation>Alle Läufe pausieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="448"/>
        <source>There is no workflow to schedule yet: make one in Workflows first.</source>
        <translation>Es gibt noch keinen Workflow zum Planen: Erstellen Sie zuerst einen unter Workflows.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="458"/>
        <source>Schedule</source>
        <translation>Planen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="458"/>
        <source>Workflow</source>
        <translation>Workflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="505"/>
        <source>Resuming {title} from the step where it stopped</source>
        <translation>{title} wird ab dem Schritt fortgesetzt, an dem er stehen blieb</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/area.py" line="519"/>
        <source>Started {title} again</source>
        <translation>{title} erneut gestartet</translation>
    </message>
</context>
<context>
    <name>SchedulesPage</name>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="46"/>
        <source>No recurring schedules yet. To make one, click Schedule… on the Upcoming tab (or Schedule in a workflow) and choose a Repeat rule.</source>
        <translation>Noch keine wiederkehrenden Zeitpläne. Klicken Sie dazu auf der Seite Anstehend auf Planen… (oder in einem Workflow auf Planen) und wählen Sie eine Wiederholung.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="56"/>
        <source>Recurring schedules</source>
        <translation>Wiederkehrende Zeitpläne</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="59"/>
        <source>Workflow</source>
        <translation>Workflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="60"/>
        <source>Repeats</source>
        <translation>Wiederholung</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="61"/>
        <source>Next times</source>
        <translation>Nächste Termine</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="62"/>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="83"/>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="84"/>
        <source>Paused</source>
        <translation>Pausiert</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="85"/>
        <source>Ended</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="90"/>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="108"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="108"/>
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="112"/>
        <source>Resume schedule {id}</source>
        <translation>Zeitplan {id} fortsetzen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="112"/>
        <source>Pause schedule {id}</source>
        <translation>Zeitplan {id} pausieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="117"/>
        <source>End</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="119"/>
        <source>End schedule {id}</source>
        <translation>Zeitplan {id} beenden</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="120"/>
        <source>Stop this schedule for good (its next run is cancelled)</source>
        <translation>Diesen Zeitplan endgültig beenden (sein nächster Lauf wird abgebrochen)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="147"/>
        <source>Resumed the repeat schedule of {workflow}</source>
        <translation>Wiederholung von {workflow} fortgesetzt</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="152"/>
        <source>Paused the repeat schedule of {workflow}</source>
        <translation>Wiederholung von {workflow} pausiert</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/schedules_page.py" line="164"/>
        <source>Ended the repeat schedule of {workflow}</source>
        <translation>Wiederholung von {workflow} beendet</translation>
    </message>
</context>
<context>
    <name>SettingsArea</name>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="69"/>
        <source>Email (SMTP)</source>
        <translation>E-Mail (SMTP)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="72"/>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="75"/>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="78"/>
        <source>None (plain, for a local test server)</source>
        <translation>Keine (unverschlüsselt, für einen lokalen Testserver)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="79"/>
        <source>STARTTLS (usually port 587)</source>
        <translation>STARTTLS (meist Port 587)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="80"/>
        <source>TLS (usually port 465)</source>
        <translation>TLS (meist Port 465)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="83"/>
        <source>Security</source>
        <translation>Sicherheit</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="84"/>
        <source>User name</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="85"/>
        <source>Sender address</source>
        <translation>Absenderadresse</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="88"/>
        <location filename="../../app/ui/areas/settings.py" line="345"/>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="89"/>
        <source>Timeout</source>
        <translation>Zeitlimit</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="96"/>
        <source>Store in keychain</source>
        <translation>Im Schlüsselbund speichern</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="100"/>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="104"/>
        <source>Keychain</source>
        <translation>Schlüsselbund</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="108"/>
        <source>you@example.com</source>
        <translation>sie@example.com</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="110"/>
        <source>Send test email</source>
        <translation>Test-E-Mail senden</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="114"/>
        <source>Test</source>
        <translation>Test</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="121"/>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="126"/>
        <source>Runs at the same time</source>
        <translation>Gleichzeitige Läufe</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="128"/>
        <source>Takes effect the next time Cueflow starts.</source>
        <translation>Wirkt beim nächsten Start von Cueflow.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="133"/>
        <source>Time zone</source>
        <translation>Zeitzone</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="136"/>
        <source>Data folder</source>
        <translation>Datenordner</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="138"/>
        <source>Start Cueflow in the tray when I log in</source>
        <translation>Cueflow beim Anmelden im Infobereich starten</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="141"/>
        <source>Writes the login entry (runs `cueflow --tray`): {where}</source>
        <translation>Schreibt den Anmeldeeintrag (startet `cueflow --tray`): {where}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="146"/>
        <source>Start at login</source>
        <translation>Beim Anmelden starten</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="198"/>
        <source>The SMTP password is kept in this computer&apos;s password store (keychain).</source>
        <translation>Das SMTP-Passwort liegt im Passwortspeicher (Schlüsselbund) dieses Computers.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="204"/>
        <source>This computer has no password store (keychain) Cueflow can use; the SMTP password cannot be saved.</source>
        <translation>Dieser Computer hat keinen Passwortspeicher (Schlüsselbund), den Cueflow nutzen kann; das SMTP-Passwort kann nicht gespeichert werden.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="248"/>
        <source>No usable keychain: the password was not stored.</source>
        <translation>Kein nutzbarer Schlüsselbund: das Passwort wurde nicht gespeichert.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="256"/>
        <source>Password stored in the keychain.</source>
        <translation>Passwort im Schlüsselbund gespeichert.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="267"/>
        <source>Sending…</source>
        <translation>Sende…</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="299"/>
        <source>Could not change the login entry: {reason}</source>
        <translation>Der Anmeldeeintrag konnte nicht geändert werden: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="303"/>
        <source>Cueflow will start in the tray when you log in.</source>
        <translation>Cueflow startet beim Anmelden im Infobereich.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="305"/>
        <source>Cueflow will no longer start when you log in.</source>
        <translation>Cueflow startet beim Anmelden nicht mehr.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="312"/>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="318"/>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="322"/>
        <source>Where</source>
        <translation>Wo</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="325"/>
        <source>Set with --database-url or CUEFLOW_DATABASE_URL when Cueflow starts; copy a folder&apos;s data into PostgreSQL with `cueflow db copy --to URL`.</source>
        <translation>Festgelegt mit --database-url oder CUEFLOW_DATABASE_URL beim Start von Cueflow; die Daten eines Ordners kopiert `cueflow db copy --to URL` nach PostgreSQL.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="337"/>
        <source>Workflow API</source>
        <translation>Workflow-API</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="340"/>
        <source>Serve</source>
        <translation>Anbieten</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="340"/>
        <source>Serve exposed workflows</source>
        <translation>Freigegebene Workflows anbieten</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="342"/>
        <source>Listen on</source>
        <translation>Lauscht auf</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="346"/>
        <source>Wait for a run</source>
        <translation>Auf einen Lauf warten</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="350"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="355"/>
        <source>Label</source>
        <translation>Bezeichnung</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="355"/>
        <source>Runs as</source>
        <translation>Läuft als</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="355"/>
        <source>Made</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="362"/>
        <source>Tokens</source>
        <translation>Tokens</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="366"/>
        <source>label, e.g. website</source>
        <translation>Bezeichnung, z. B. Website</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="369"/>
        <source>run as thing ID (optional)</source>
        <translation>als Ding-ID ausführen (optional)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="370"/>
        <source>Create token</source>
        <translation>Token erstellen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="373"/>
        <source>Revoke selected</source>
        <translation>Ausgewählte widerrufen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="390"/>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="396"/>
        <source>Shown only now: Cueflow keeps only a hash of the token.</source>
        <translation>Nur jetzt sichtbar: Cueflow speichert nur einen Hash des Tokens.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="399"/>
        <source>New token</source>
        <translation>Neues Token</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="427"/>
        <source>Serving at {url}/api/1.1/wf/NAME</source>
        <translation>Erreichbar unter {url}/api/1.1/wf/NAME</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="430"/>
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="437"/>
        <source>Applying…</source>
        <translation>Wird übernommen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="460"/>
        <source>Token &apos;{label}&apos; created.</source>
        <translation>Token &apos;{label}&apos; erstellt.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="465"/>
        <source>Token copied.</source>
        <translation>Token kopiert.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="472"/>
        <source>Select a token to revoke.</source>
        <translation>Wählen Sie ein Token zum Widerrufen.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/settings.py" line="485"/>
        <source>Token &apos;{label}&apos; revoked.</source>
        <translation>Token &apos;{label}&apos; widerrufen.</translation>
    </message>
</context>
<context>
    <name>StepForm</name>
    <message>
        <location filename="../../app/ui/widgets/step_form.py" line="199"/>
        <source>Unknown action &apos;{name}&apos;</source>
        <translation>Unbekannte Aktion „{name}“</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/step_form.py" line="203"/>
        <source>Later steps can use its result ({result}) through Insert data</source>
        <translation>Spätere Schritte können sein Ergebnis ({result}) über „Daten einfügen“ verwenden</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/step_form.py" line="227"/>
        <source>always (or pick a test from Insert data, e.g. “birthday is not empty”)</source>
        <translation>immer (oder eine Prüfung aus „Daten einfügen“ wählen, z. B. „birthday is not empty“)</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/step_form.py" line="231"/>
        <location filename="../../app/ui/widgets/step_form.py" line="233"/>
        <source>Only when</source>
        <translation>Nur wenn</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/step_form.py" line="489"/>
        <source>Reads:</source>
        <translation>Liest sich:</translation>
    </message>
</context>
<context>
    <name>StepPanel</name>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="291"/>
        <source>Move up</source>
        <translation>Nach oben</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="294"/>
        <source>Move down</source>
        <translation>Nach unten</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="297"/>
        <source>Remove step</source>
        <translation>Schritt entfernen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="305"/>
        <source>Last run of this step</source>
        <translation>Letzter Lauf dieses Schritts</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="314"/>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="347"/>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="314"/>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="347"/>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="329"/>
        <source>Last test</source>
        <translation>Letzter Test</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="380"/>
        <source>nothing was scheduled</source>
        <translation>nichts wurde geplant</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="382"/>
        <source>nothing was sent</source>
        <translation>nichts wurde gesendet</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="384"/>
        <source>Previewed in {duration}: {nothing}</source>
        <translation>Vorschau in {duration}: {nothing}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="392"/>
        <source>Inputs</source>
        <translation>Eingaben</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="412"/>
        <source>Step {n} · {label}</source>
        <translation>Schritt {n} · {label}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="374"/>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="428"/>
        <source>{status} in {duration}</source>
        <translation>{status} in {duration}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="442"/>
        <source>Result: {key}</source>
        <translation>Ergebnis: {key}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="397"/>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="446"/>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
</context>
<context>
    <name>StepValues</name>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="456"/>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="457"/>
        <source>To</source>
        <translation>An</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="458"/>
        <source>Cc</source>
        <translation>Cc</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="459"/>
        <source>Bcc</source>
        <translation>Bcc</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="460"/>
        <source>Reply to</source>
        <translation>Antwort an</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="461"/>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="462"/>
        <source>Body</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="463"/>
        <source>Sent as HTML</source>
        <translation>Als HTML gesendet</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="464"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="465"/>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="466"/>
        <source>Headers</source>
        <translation>Header</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="467"/>
        <source>JSON body</source>
        <translation>JSON-Inhalt</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="468"/>
        <source>Workflow</source>
        <translation>Workflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="469"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="470"/>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="471"/>
        <source>Repeat every</source>
        <translation>Wiederholen alle</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="472"/>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="473"/>
        <source>Seconds between items</source>
        <translation>Sekunden zwischen Einträgen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="514"/>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="523"/>
        <source>(empty)</source>
        <translation>(leer)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="517"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="519"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="527"/>
        <source>(empty list)</source>
        <translation>(leere Liste)</translation>
    </message>
</context>
<context>
    <name>TestRunDialog</name>
    <message>
        <location filename="../../app/ui/dialogs/test_run_dialog.py" line="59"/>
        <source>Test run: {name}</source>
        <translation>Testlauf: {name}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/test_run_dialog.py" line="64"/>
        <source>Runs the workflow now with these sample values. Each step&apos;s card then shows what it was given and what it did.</source>
        <translation>Führt den Workflow jetzt mit diesen Beispielwerten aus. Die Karte jedes Schritts zeigt dann, was er bekam und was er tat.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/test_run_dialog.py" line="75"/>
        <source>Run as</source>
        <translation>Ausführen als</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/test_run_dialog.py" line="78"/>
        <source>Nobody in particular (no current user)</source>
        <translation>Niemand Bestimmtes (kein aktueller Benutzer)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/test_run_dialog.py" line="82"/>
        <source>The user this run acts for: privacy rules and “Current user” follow them.</source>
        <translation>Der Benutzer, für den dieser Lauf handelt: Datenschutzregeln und „Aktueller Benutzer“ richten sich nach ihm.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/test_run_dialog.py" line="91"/>
        <source>Ignore privacy rules</source>
        <translation>Datenschutzregeln ignorieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/test_run_dialog.py" line="97"/>
        <source>Emails and web calls</source>
        <translation>E-Mails und Web-Aufrufe</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/test_run_dialog.py" line="99"/>
        <source>Preview only (nothing is sent)</source>
        <translation>Nur Vorschau (nichts wird gesendet)</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/test_run_dialog.py" line="101"/>
        <source>Send for real</source>
        <translation>Wirklich senden</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/test_run_dialog.py" line="111"/>
        <source>In a preview, each email is shown as it would be sent and each web call as it would go out; scheduling steps schedule nothing and show what they would schedule. Steps that create, change or delete things change your data for real in both cases.</source>
        <translation>In der Vorschau wird jede E-Mail gezeigt, wie sie gesendet würde, und jeder Web-Aufruf, wie er hinausginge; Planungsschritte planen nichts und zeigen, was sie planen würden. Schritte, die Dinge anlegen, ändern oder löschen, ändern Ihre Daten in beiden Fällen wirklich.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/test_run_dialog.py" line="125"/>
        <source>The scheduler is paused: the test starts when you resume it.</source>
        <translation>Der Planer ist pausiert: der Test startet, sobald Sie ihn fortsetzen.</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/test_run_dialog.py" line="138"/>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/test_run_dialog.py" line="163"/>
        <source>The workflow has problems: {first}</source>
        <translation>Der Workflow hat Probleme: {first}</translation>
    </message>
    <message>
        <location filename="../../app/ui/dialogs/test_run_dialog.py" line="170"/>
        <source>Run as: no thing with ID &apos;{id}&apos;</source>
        <translation>Ausführen als: kein Ding mit der ID &apos;{id}&apos;</translation>
    </message>
</context>
<context>
    <name>ThingPicker</name>
    <message>
        <location filename="../../app/ui/widgets/inputs.py" line="362"/>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/inputs.py" line="441"/>
        <source>The things could not be read: {reason}</source>
        <translation>Die Dinge konnten nicht gelesen werden: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/inputs.py" line="445"/>
        <source>No things yet</source>
        <translation>Noch keine Dinge</translation>
    </message>
</context>
<context>
    <name>ThingsModel</name>
    <message>
        <location filename="../../app/ui/models/things.py" line="210"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/things.py" line="266"/>
        <source>Edit {field} of a {type}</source>
        <translation>{field} eines Dings vom Typ {type} bearbeiten</translation>
    </message>
</context>
<context>
    <name>Time</name>
    <message>
        <location filename="../../app/ui/widgets/formatting.py" line="26"/>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/formatting.py" line="30"/>
        <source>{n} days</source>
        <translation>{n} Tagen</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/formatting.py" line="32"/>
        <source>{n} months</source>
        <translation>{n} Monaten</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/formatting.py" line="34"/>
        <source>in {span}</source>
        <translation>in {span}</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/formatting.py" line="35"/>
        <source>{span} ago</source>
        <translation>vor {span}</translation>
    </message>
</context>
<context>
    <name>TimelinePage</name>
    <message>
        <location filename="../../app/ui/areas/scheduler/timeline_page.py" line="29"/>
        <source>Next 24 hours</source>
        <translation>Nächste 24 Stunden</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/timeline_page.py" line="31"/>
        <source>Next 7 days</source>
        <translation>Nächste 7 Tage</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/timeline_page.py" line="60"/>
        <source>Nothing is scheduled in this time. Click Schedule… on Upcoming.</source>
        <translation>In dieser Zeit ist nichts geplant. Klicken Sie unter Anstehend auf Planen….</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/timeline_page.py" line="62"/>
        <source>1 run</source>
        <translation>1 Lauf</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/timeline_page.py" line="62"/>
        <source>{n} runs</source>
        <translation>{n} Läufe</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/timeline_page.py" line="65"/>
        <source>1 workflow</source>
        <translation>1 Workflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/timeline_page.py" line="65"/>
        <source>{n} workflows</source>
        <translation>{n} Workflows</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/timeline_page.py" line="67"/>
        <source>{runs} of {workflows} · click a mark to see its run</source>
        <translation>{runs} von {workflows} · eine Marke anklicken, um ihren Lauf zu sehen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/timeline_page.py" line="71"/>
        <source> (showing the first {n})</source>
        <translation> (die ersten {n} werden gezeigt)</translation>
    </message>
</context>
<context>
    <name>TimelineWidget</name>
    <message>
        <location filename="../../app/ui/areas/scheduler/timeline.py" line="64"/>
        <source>Timeline of upcoming runs</source>
        <translation>Zeitleiste der anstehenden Läufe</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/timeline.py" line="92"/>
        <source>{n} runs in {w} workflows</source>
        <translation>{n} Läufe in {w} Workflows</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/timeline.py" line="189"/>
        <source>Nothing is scheduled in this time.</source>
        <translation>In dieser Zeit ist nichts geplant.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/timeline.py" line="240"/>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/timeline.py" line="306"/>
        <source>{workflow} at {time}
run {id} · click to show it</source>
        <translation>{workflow} um {time}
Lauf {id} · zum Anzeigen klicken</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/timeline.py" line="310"/>
        <source>{workflow}: {n} runs from {start} to {end}
click to show them</source>
        <translation>{workflow}: {n} Läufe von {start} bis {end}
zum Anzeigen klicken</translation>
    </message>
</context>
<context>
    <name>TrayPresenter</name>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="93"/>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="94"/>
        <source>in {span}</source>
        <translation>in {span}</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="100"/>
        <source>running 1 workflow</source>
        <translation>1 Workflow läuft</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="102"/>
        <source>running {n} workflows</source>
        <translation>{n} Workflows laufen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="104"/>
        <source>scheduler paused</source>
        <translation>Planer pausiert</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="105"/>
        <source>the last run failed</source>
        <translation>der letzte Lauf ist fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="106"/>
        <source>idle</source>
        <translation>untätig</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="108"/>
        <source>Cueflow — {state}</source>
        <translation>Cueflow — {state}</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="112"/>
        <source>Next: {workflow} {when}</source>
        <translation>Als Nächstes: {workflow} {when}</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="118"/>
        <source>{workflow} — {when} ({at})</source>
        <translation>{workflow} — {when} ({at})</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="123"/>
        <source>Resume scheduler</source>
        <translation>Planer fortsetzen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="123"/>
        <source>Pause scheduler</source>
        <translation>Planer pausieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="131"/>
        <source>{workflow} was interrupted</source>
        <translation>{workflow} wurde unterbrochen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="133"/>
        <source>{workflow} failed</source>
        <translation>{workflow} ist fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="138"/>
        <source>Open the Scheduler&apos;s History to see what happened</source>
        <translation>Öffnen Sie den Verlauf im Planer, um zu sehen, was geschah</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="149"/>
        <source>1 run was missed while Cueflow was closed</source>
        <translation>1 Lauf wurde verpasst, während Cueflow geschlossen war</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="151"/>
        <source>{n} runs were missed while Cueflow was closed</source>
        <translation>{n} Läufe wurden verpasst, während Cueflow geschlossen war</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="155"/>
        <source>{n} ran late</source>
        <translation>{n} liefen verspätet</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="157"/>
        <source>{n} skipped</source>
        <translation>{n} übersprungen</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="161"/>
        <source>1 run was interrupted when Cueflow stopped</source>
        <translation>1 Lauf wurde unterbrochen, als Cueflow beendet wurde</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="163"/>
        <source>{n} runs were interrupted when Cueflow stopped</source>
        <translation>{n} Läufe wurden unterbrochen, als Cueflow beendet wurde</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="169"/>
        <source>Cueflow keeps running</source>
        <translation>Cueflow läuft weiter</translation>
    </message>
    <message>
        <location filename="../../app/ui/shell/tray_presenter.py" line="171"/>
        <source>Scheduled workflows still run while the window is closed. Use Quit in this icon&apos;s menu to stop Cueflow.</source>
        <translation>Geplante Workflows laufen weiter, auch wenn das Fenster geschlossen ist. Beenden Sie Cueflow über „Cueflow beenden“ im Menü dieses Symbols.</translation>
    </message>
</context>
<context>
    <name>TriggersEditor</name>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="74"/>
        <source>Triggers</source>
        <translation>Auslöser</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="78"/>
        <source>New trigger</source>
        <translation>Neuer Auslöser</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="79"/>
        <source>Delete…</source>
        <translation>Löschen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="87"/>
        <source>Trigger</source>
        <translation>Auslöser</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="93"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="97"/>
        <source>When a thing of</source>
        <translation>Wenn ein Ding vom Typ</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="101"/>
        <source>is {event}</source>
        <translation>{event}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="107"/>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="110"/>
        <source>always (e.g. thing_now.email is not none)</source>
        <translation>immer (z. B. thing_now.email is not none)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="119"/>
        <source>Only when</source>
        <translation>Nur wenn</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="123"/>
        <source>Start workflow</source>
        <translation>Workflow starten</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="127"/>
        <source>The workflow&apos;s parameters (from the thing before and after the change)</source>
        <translation>Die Parameter des Workflows (aus dem Ding vor und nach der Änderung)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="253"/>
        <source>In the workflow: {{{{ {key} }}}}</source>
        <translation>Im Workflow: {{{{ {key} }}}}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="135"/>
        <source>The workflow starts right after the change is saved, once per change, as the user who made it, and always respects privacy rules. Changes made by a trigger&apos;s own run do not fire triggers again.</source>
        <translation>Der Workflow startet direkt nach dem Speichern der Änderung, einmal je Änderung, als der Benutzer, der sie gemacht hat, und beachtet immer die Datenschutzregeln. Änderungen aus dem eigenen Lauf eines Auslösers lösen keine Auslöser erneut aus.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="48"/>
        <source>created</source>
        <translation>angelegt</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="49"/>
        <source>modified</source>
        <translation>geändert</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="50"/>
        <source>deleted</source>
        <translation>gelöscht</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="150"/>
        <source>Save trigger</source>
        <translation>Auslöser speichern</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="183"/>
        <source>A trigger needs a data type and a workflow first.</source>
        <translation>Ein Auslöser braucht zuerst einen Datentyp und einen Workflow.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="188"/>
        <source>{name}
    {type} {events} → {workflow}</source>
        <translation>{name}
    {type} {events} → {workflow}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="191"/>
        <source> or </source>
        <translation> oder </translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="232"/>
        <source>Choose a workflow.</source>
        <translation>Wählen Sie einen Workflow.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="236"/>
        <source>This workflow has no parameters.</source>
        <translation>Dieser Workflow hat keine Parameter.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="285"/>
        <source>A trigger&apos;s name uses letters, digits and _</source>
        <translation>Der Name eines Auslösers besteht aus Buchstaben, Ziffern und _</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="288"/>
        <source>There is already a trigger called &apos;{name}&apos;</source>
        <translation>Es gibt schon einen Auslöser namens &apos;{name}&apos;</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="291"/>
        <source>Choose a data type</source>
        <translation>Wählen Sie einen Datentyp</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="293"/>
        <source>Choose at least one event</source>
        <translation>Wählen Sie mindestens ein Ereignis</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="302"/>
        <source>Reads: {words}</source>
        <translation>Bedeutet: {words}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="304"/>
        <source>Only when: {reason}</source>
        <translation>Nur wenn: {reason}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="307"/>
        <source>Choose a workflow</source>
        <translation>Wählen Sie einen Workflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="312"/>
        <source>required</source>
        <translation>erforderlich</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="388"/>
        <source>Saved trigger {name}</source>
        <translation>Auslöser {name} gespeichert</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="397"/>
        <source>Delete trigger</source>
        <translation>Auslöser löschen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="398"/>
        <source>Delete the trigger &apos;{name}&apos;?</source>
        <translation>Den Auslöser &apos;{name}&apos; löschen?</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="406"/>
        <source>Deleted trigger {name}</source>
        <translation>Auslöser {name} gelöscht</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="418"/>
        <source>{name} (optional)</source>
        <translation>{name} (optional)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="423"/>
        <source>{name} ({kind}, optional)</source>
        <translation>{name} ({kind}, optional)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/data/trigger_editor.py" line="426"/>
        <source>{name} ({kind})</source>
        <translation>{name} ({kind})</translation>
    </message>
</context>
<context>
    <name>UndoBar</name>
    <message>
        <location filename="../../app/ui/widgets/undo_bar.py" line="26"/>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <location filename="../../app/ui/widgets/undo_bar.py" line="40"/>
        <source>Undo: {text}</source>
        <translation>Rückgängig: {text}</translation>
    </message>
</context>
<context>
    <name>UpcomingPage</name>
    <message>
        <location filename="../../app/ui/areas/scheduler/upcoming_page.py" line="71"/>
        <source>Filter by workflow, ID or parameter</source>
        <translation>Nach Workflow, ID oder Parameter filtern</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/upcoming_page.py" line="72"/>
        <source>Filter upcoming runs</source>
        <translation>Anstehende Läufe filtern</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/upcoming_page.py" line="75"/>
        <source>From</source>
        <translation>Ab</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/upcoming_page.py" line="76"/>
        <source>Only runs from a date</source>
        <translation>Nur Läufe ab einem Datum</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/upcoming_page.py" line="87"/>
        <source>Schedule…</source>
        <translation>Planen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/upcoming_page.py" line="90"/>
        <source>Cancel selected</source>
        <translation>Ausgewählte abbrechen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/upcoming_page.py" line="93"/>
        <source>Cancel all…</source>
        <translation>Alle abbrechen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/upcoming_page.py" line="96"/>
        <source>Pause all runs</source>
        <translation>Alle Läufe pausieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/upcoming_page.py" line="114"/>
        <source>Paused: no run starts until you resume. Runs that come due meanwhile stay scheduled and then follow their workflow&apos;s missed-run policy.</source>
        <translation>Pausiert: Kein Lauf startet, bis Sie fortsetzen. Läufe, die inzwischen fällig werden, bleiben geplant und folgen dann der Regel ihres Workflows für verpasste Läufe.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/upcoming_page.py" line="128"/>
        <source>Nothing is scheduled. Click Schedule… to run a workflow later, or use Run now in the Workflows area.</source>
        <translation>Nichts ist geplant. Klicken Sie auf Planen…, um einen Workflow später auszuführen, oder nutzen Sie Jetzt ausführen im Bereich Workflows.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/upcoming_page.py" line="138"/>
        <source>Upcoming runs</source>
        <translation>Anstehende Läufe</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/scheduler/upcoming_page.py" line="223"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>UpcomingRunsModel</name>
    <message>
        <location filename="../../app/ui/models/runs.py" line="653"/>
        <source>Acts for {who}</source>
        <translation>Handelt für {who}</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="655"/>
        <source>Acts for nobody in particular (no current user)</source>
        <translation>Handelt für niemand Bestimmten (kein aktueller Benutzer)</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="658"/>
        <source>{title} ({name})</source>
        <translation>{title} ({name})</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="662"/>
        <source>Cancel {title}, {when}</source>
        <translation>{title}, {when} abbrechen</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="666"/>
        <source>Attempt {n}: the earlier attempt failed</source>
        <translation>Versuch {n}: der vorige Versuch ist fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="673"/>
        <source>Cancel run {id}</source>
        <translation>Lauf {id} abbrechen</translation>
    </message>
</context>
<context>
    <name>WorkflowEditor</name>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="115"/>
        <source>Test run</source>
        <translation>Testlauf</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="121"/>
        <source>Run now</source>
        <translation>Jetzt ausführen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="125"/>
        <source>Schedule…</source>
        <translation>Planen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="142"/>
        <source>No workflow selected — New workflow or pick one on the left</source>
        <translation>Kein Workflow ausgewählt — Neuer Workflow, oder wählen Sie links einen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="169"/>
        <source>Steps, in order</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="174"/>
        <source>Add step</source>
        <translation>Schritt hinzufügen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="175"/>
        <source>Add a step at the end</source>
        <translation>Einen Schritt am Ende hinzufügen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="188"/>
        <source>Click a card to edit it; drag it (or Alt+Up / Alt+Down) to move it; + adds a step, Delete removes one</source>
        <translation>Eine Karte anklicken, um sie zu bearbeiten; ziehen (oder Alt+Hoch / Alt+Runter), um sie zu verschieben; + fügt einen Schritt hinzu, Entf entfernt einen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="282"/>
        <source>No workflow selected</source>
        <translation>Kein Workflow ausgewählt</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="300"/>
        <source>Colour of this workflow ({colour}): click to change</source>
        <translation>Farbe dieses Workflows ({colour}): zum Ändern klicken</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="359"/>
        <source>preview only: nothing is sent</source>
        <translation>nur Vorschau: nichts wird gesendet</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="361"/>
        <source>emails and web calls for real</source>
        <translation>E-Mails und Web-Aufrufe wirklich</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="365"/>
        <source>Test run waiting to start ({mode})</source>
        <translation>Testlauf wartet auf den Start ({mode})</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="367"/>
        <source>Test run in progress ({mode})…</source>
        <translation>Testlauf läuft ({mode})…</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="369"/>
        <source>Test run succeeded ({mode}). Click a step to see what it did.</source>
        <translation>Testlauf erfolgreich ({mode}). Klicken Sie auf einen Schritt, um zu sehen, was er getan hat.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="373"/>
        <source>Test run failed; it is retried as the workflow&apos;s Retries say. {error}</source>
        <translation>Testlauf fehlgeschlagen; er wird wiederholt, wie es die Wiederholungen des Workflows vorsehen. {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="378"/>
        <source>Test run failed at step {n} · {label}: see its card.</source>
        <translation>Testlauf bei Schritt {n} · {label} fehlgeschlagen: siehe seine Karte.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="382"/>
        <source>Test run {status}: {error}</source>
        <translation>Testlauf {status}: {error}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="402"/>
        <location filename="../../app/ui/areas/workflows/editor.py" line="409"/>
        <source>waiting</source>
        <translation>wartet</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="409"/>
        <location filename="../../app/ui/areas/workflows/editor.py" line="447"/>
        <location filename="../../app/ui/areas/workflows/editor.py" line="449"/>
        <source>running…</source>
        <translation>läuft…</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="410"/>
        <source>not run</source>
        <translation>nicht gelaufen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="423"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="425"/>
        <source>None yet: click to add the values each run is given</source>
        <translation>Noch keine: klicken, um die Werte hinzuzufügen, die jeder Lauf bekommt</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="453"/>
        <source>{status} · {duration}</source>
        <translation>{status} · {duration}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="454"/>
        <source>preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="484"/>
        <source>when a {type} is {events}</source>
        <translation>wenn ein Ding vom Typ {type} {events} wird</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="485"/>
        <source> or </source>
        <translation> oder </translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="489"/>
        <source>also starts {when}</source>
        <translation>startet auch, {when}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="609"/>
        <source>Not saved until these are fixed:</source>
        <translation>Nicht gespeichert, bis dies behoben ist:</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="649"/>
        <source>{some} and {last}</source>
        <translation>{some} und {last}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="653"/>
        <source>Fill in {names} of step {n} first</source>
        <translation>Füllen Sie zuerst {names} von Schritt {n} aus</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="656"/>
        <source>Fix first: {problem}</source>
        <translation>Zuerst beheben: {problem}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="659"/>
        <source> (and 1 more problem)</source>
        <translation> (und 1 weiteres Problem)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/editor.py" line="661"/>
        <source> (and {n} more problems)</source>
        <translation> (und {n} weitere Probleme)</translation>
    </message>
</context>
<context>
    <name>WorkflowPanel</name>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="95"/>
        <source>Parameters: what each run is given</source>
        <translation>Parameter: was jeder Lauf bekommt</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="102"/>
        <source>Add parameter</source>
        <translation>Parameter hinzufügen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="105"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="108"/>
        <source>Move up</source>
        <translation>Nach oben</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="111"/>
        <source>Move down</source>
        <translation>Nach unten</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="130"/>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="142"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="131"/>
        <source>e.g. Send birthday email</source>
        <translation>z. B. Geburtstags-E-Mail senden</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="137"/>
        <source>Colour</source>
        <translation>Farbe</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="146"/>
        <source>Used in files and web links:</source>
        <translation>In Dateien und Weblinks verwendet:</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="151"/>
        <source>Used in files and web links</source>
        <translation>In Dateien und Weblinks verwendet</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="154"/>
        <source>Lower-case letters, digits and _; made from the name until you change it (commands, the API and workflow files use it)</source>
        <translation>Kleinbuchstaben, Ziffern und _; aus dem Namen gebildet, bis Sie ihn ändern (Befehle, die API und Workflow-Dateien verwenden ihn)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="184"/>
        <source>More settings</source>
        <translation>Weitere Einstellungen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="192"/>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="193"/>
        <source>Ignore privacy rules when it runs</source>
        <translation>Datenschutzregeln beim Ausführen ignorieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="200"/>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="213"/>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="217"/>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="219"/>
        <source> seconds</source>
        <translation> Sekunden</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="202"/>
        <source>Stop after</source>
        <translation>Abbrechen nach</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="206"/>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="218"/>
        <source> more tries</source>
        <translation> weiteren Versuchen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="208"/>
        <source>If it fails, try</source>
        <translation>Bei einem Fehler versuchen mit</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="215"/>
        <source>First retry after</source>
        <translation>Erster neuer Versuch nach</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="217"/>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="219"/>
        <source> second</source>
        <translation> Sekunde</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="218"/>
        <source> more try</source>
        <translation> weiteren Versuch</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="229"/>
        <source>Missed runs</source>
        <translation>Verpasste Läufe</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="232"/>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="249"/>
        <source>Run only when</source>
        <translation>Nur ausführen, wenn</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/inspector.py" line="233"/>
        <source>always (or a condition on the parameters)</source>
        <translation>immer (oder eine Bedingung über die Parameter)</translation>
    </message>
</context>
<context>
    <name>WorkflowsArea</name>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="87"/>
        <source>Filter workflows</source>
        <translation>Workflows filtern</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="98"/>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="100"/>
        <source>Duplicate</source>
        <translation>Duplizieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="103"/>
        <source>Delete…</source>
        <translation>Löschen…</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="174"/>
        <source>Used in files and web links: {name}</source>
        <translation>In Dateien und Weblinks verwendet: {name}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="221"/>
        <source>Left {name} with unsaved problems; the last valid version is kept.</source>
        <translation>{name} mit ungespeicherten Problemen verlassen; die letzte gültige Fassung bleibt erhalten.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="306"/>
        <location filename="../../app/ui/areas/workflows/area.py" line="327"/>
        <source>{n} run</source>
        <translation>{n} Lauf</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="306"/>
        <location filename="../../app/ui/areas/workflows/area.py" line="327"/>
        <source>{n} runs</source>
        <translation>{n} Läufe</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="307"/>
        <source>{n} schedule</source>
        <translation>{n} Zeitplan</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="307"/>
        <source>{n} schedules</source>
        <translation>{n} Zeitpläne</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="308"/>
        <source>{n} trigger</source>
        <translation>{n} Auslöser</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="308"/>
        <source>{n} triggers</source>
        <translation>{n} Auslöser</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="309"/>
        <source>{n} step calling it</source>
        <translation>{n} Schritt, der ihn aufruft</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="309"/>
        <source>{n} steps calling it</source>
        <translation>{n} Schritte, die ihn aufrufen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="314"/>
        <source>Renamed; moved {what}</source>
        <translation>Umbenannt; übertragen: {what}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="325"/>
        <source>Deleted {name}; cancelled {runs}</source>
        <translation>{name} gelöscht; abgebrochen: {runs}</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="340"/>
        <source>Scheduled {n} run again</source>
        <translation>{n} Lauf wieder geplant</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="341"/>
        <source>Scheduled {n} runs again</source>
        <translation>{n} Läufe wieder geplant</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="360"/>
        <location filename="../../app/ui/areas/workflows/area.py" line="365"/>
        <source>New workflow</source>
        <translation>Neuer Workflow</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="376"/>
        <source>{label} (copy)</source>
        <translation>{label} (Kopie)</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="382"/>
        <source>Duplicate workflow</source>
        <translation>Workflow duplizieren</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="392"/>
        <source>Delete the workflow {name}?</source>
        <translation>Den Workflow {name} löschen?</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="396"/>
        <source>It has {n} upcoming run; it will be cancelled.</source>
        <translation>Er hat {n} anstehenden Lauf; dieser wird abgebrochen.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="397"/>
        <source>It has {n} upcoming runs; they will be cancelled.</source>
        <translation>Er hat {n} anstehende Läufe; sie werden abgebrochen.</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="399"/>
        <source>Delete workflow</source>
        <translation>Workflow löschen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="405"/>
        <source>Delete {name}</source>
        <translation>{name} löschen</translation>
    </message>
    <message>
        <location filename="../../app/ui/areas/workflows/area.py" line="444"/>
        <source>Test run of {name} started</source>
        <translation>Testlauf von {name} gestartet</translation>
    </message>
</context>
<context>
    <name>YesNoEditor</name>
    <message>
        <location filename="../../app/ui/widgets/inputs.py" line="97"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <location filename="../../app/ui/shell/app.py" line="114"/>
        <source>Cueflow cannot open its data</source>
        <translation>Cueflow kann seine Daten nicht öffnen</translation>
    </message>
</context>
<context>
    <name>origin</name>
    <message>
        <location filename="../../app/ui/models/runs.py" line="358"/>
        <source>Test run (preview)</source>
        <translation>Testlauf (Vorschau)</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="360"/>
        <source>Workflow API ({token})</source>
        <translation>Workflow-API ({token})</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="364"/>
        <source>Command line</source>
        <translation>Kommandozeile</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="365"/>
        <source>This window</source>
        <translation>Dieses Fenster</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="366"/>
        <source>Repeat schedule</source>
        <translation>Wiederholung</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="367"/>
        <source>Data trigger</source>
        <translation>Datenauslöser</translation>
    </message>
    <message>
        <location filename="../../app/ui/models/runs.py" line="368"/>
        <source>Another workflow</source>
        <translation>Ein anderer Workflow</translation>
    </message>
</context>
</TS>

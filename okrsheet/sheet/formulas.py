"""The workbook's formulas, as templates beside the rules they implement.

Each template computes what a pure function of :mod:`okrsheet.domain.scoring` computes
(``PROGRESS_VALUE_FORMULA`` is :func:`~okrsheet.domain.scoring.progress`...), and the
tests in ``tests/realclient`` hold the two equal in LibreOffice. Templates use ``{name}``
placeholders that :mod:`okrsheet.write.writer` fills with cell references from
:mod:`okrsheet.sheet.layout`.
"""

from __future__ import annotations

from okrsheet.domain.scoring import INPUT_CHECK_NAMES

LATEST_CHECK_IN_STEP = 'IF({check_in}<>"",{check_in},{earlier})'
"""Current follows the latest check-in (nested from week 3 to 13) until a value is typed over it."""

MILESTONE_DONE_FORMULA = (
    'OR({current}=1,TRIM({current})="done",TRIM({current})="yes",TRIM({current})="x",'
    'TRIM({current})="completed",TRIM({current})="complete")'
)

MILESTONE_NOT_DONE_FORMULA = (
    'OR({current}=0,TRIM({current})="no",TRIM({current})="not done",TRIM({current})="open")'
)

INPUT_CHECK_FORMULA = (
    'IF({title}="","",IFERROR('
    'IF(OR({objective}="",COUNTIFS({ids},{objective},{objective_titles},"<>")=0),"%(objective)s",'
    'IF(AND({type}<>"",{type}<>"increase",{type}<>"decrease",{type}<>"stay above",'
    '{type}<>"stay below",{type}<>"milestone"),"%(type)s",'
    'IF(AND({start}<>"",NOT(ISNUMBER({start}))),"%(start)s",'
    'IF(AND({target}<>"",NOT(ISNUMBER({target}))),"%(target)s",'
    'IF(AND({revised}<>"",NOT(ISNUMBER({revised}))),"%(revised_target)s",'
    'IF(AND({type}<>"milestone",{target}="",{revised}=""),"%(target)s",'
    'IF(AND({weight}<>"",OR(NOT(ISNUMBER({weight})),{weight}<0)),"%(weight)s",'
    'IF(AND({lagging}<>"",{lagging}<>"yes",{lagging}<>"no"),"%(lagging)s",'
    'IF({current}="","",'
    'IF({type}="milestone",IF(OR(' + MILESTONE_DONE_FORMULA + ',' + MILESTONE_NOT_DONE_FORMULA
    + '),"","%(current)s"),'
    'IF(ISNUMBER({current}),"","%(current)s"))))))))))),"Error value"))'
) % INPUT_CHECK_NAMES
"""Which input of a key-result row can't be scored, checked in this order; blank when none.

Any error value met on the way (``#DIV/0!`` in Weight...) makes it ``Error value``."""

PROGRESS_VALUE_FORMULA = (
    'IF({title}="","",IFERROR(IF({check}<>"",0,'
    'IF({current}="",0,'
    'IF({type}="milestone",IF(' + MILESTONE_DONE_FORMULA + ',1,0),'
    'IF(AND({revised}="",{target}=""),0,'
    'IF({type}="stay above",IF({current}>=IF({revised}<>"",{revised},{target}),1,0),'
    'IF({type}="stay below",IF({current}<=IF({revised}<>"",{revised},{target}),1,0),'
    'IF(IF({revised}<>"",{revised},{target})={start},0,'
    "MAX(0,MIN(1,({current}-{start})/(IF({revised}<>\"\",{revised},{target})-{start})))))))))),0))"
)
"""Hidden: the progress every score adds up (the visible Progress shows it)."""

PROGRESS_FORMULA = 'IF({title}="","",{progress})'

WEIGHT_USED_FORMULA = ('IF({title}="",0,IF({check}<>"",0,IF({lagging}="yes",0,'
                       'IF({weight}="",1,{weight}))))')

STATUS_VALUE_FORMULA = (
    'IF({title}="","",IF({check}<>"","check input",IF({lagging}="yes","lagging",'
    'IF({current}="","not updated",'
    'IF({progress}>={green},"green",IF({progress}>={orange},"orange","red"))))))'
)
"""Hidden: the status the visible Status shows (the Shown helper compares the two)."""

STATUS_FORMULA = 'IF({title}="","",{status_value})'

UPDATED_FORMULA = 'IF({title}="",0,IF({check}<>"",0,IF({current}<>"",1,0)))'
"""1 for a key result with a usable Current: colours of scores with nothing updated stay grey."""

TO_CHECK_FORMULA = 'IF({title}="",0,IF({check}="",0,1))'
"""Hidden: 1 for a key result to check (objective and team statuses add these up)."""

COUNTED_FORMULA = 'IF({title}="",0,1)'
"""Hidden: 1 for a key result in a row with formulas (the Sheet check counts the others)."""

TEAM_STATUS_FORMULA = (
    'IF(SUM({to_check})>0,"check input",'
    'IF(ISNUMBER({score}),IF(SUM({updated})=0,"not updated",'
    'IF({score}>={green},"green",IF({score}>={orange},"orange","red"))),""))'
)

WEIGHTED_PROGRESS_FORMULA = 'IF({title}="",0,{weight_used}*{progress})'

OBJECTIVE_SCORE_VALUE_FORMULA = (
    'IF(OR({title}="",{id}=""),"",IF(SUMIF({objectives},{id},{weights})=0,"",'
    "SUMIF({objectives},{id},{weighted})/SUMIF({objectives},{id},{weights})))"
)
"""Hidden, in the Objectives table: the weighted mean of the progress of the key results
whose Objective is this id (ids match ignoring case, as SUMIF does)."""

OBJECTIVE_SCORE_FORMULA = 'IF({score_value}="","",{score_value})'

OBJECTIVE_UPDATED_FORMULA = 'IF(OR({title}="",{id}=""),0,SUMIF({objectives},{id},{kr_updated}))'

OBJECTIVE_TO_CHECK_FORMULA = 'IF(OR({title}="",{id}=""),0,SUMIF({objectives},{id},{kr_to_check}))'

OBJECTIVE_STATUS_FORMULA = (
    'IF(OR({title}="",{id}=""),"",IF({to_check}>0,"check input",IF({score_value}="","",'
    'IF({updated}=0,"not updated",'
    'IF({score_value}>={green},"green",IF({score_value}>={orange},"orange","red"))))))'
)

OBJECTIVE_KEY_RESULTS_FORMULA = 'IF({title}="","",IF({id}="",0,COUNTIFS({objectives},{id},{titles},"<>")))'

TEAM_SCORE_FORMULA = 'IFERROR(AVERAGE({scores}),"")'

SHARED_ID_FORMULA = ('IF(OR({title}="",{id}=""),0,'
                     'IF(COUNTIFS({id_range},{id},{title_range},"<>")>1,1,0))')
"""Hidden, in both tables: 1 for a row with a title whose ID another titled row has too
(case ignored, as COUNTIF matches). One cell per row: Gnumeric does not take a range as
COUNTIF's criterion inside SUMPRODUCT."""

ODD_CONFIDENCES_STEP = ('SUMPRODUCT(({titles}<>"")*({confidences}<>"")*({confidences}<>"high")'
                        '*({confidences}<>"medium")*({confidences}<>"low"))')
"""Confidence cells of one column (a week's, or Confidence) holding anything but high,
medium or low (case ignored; spaces count, as ``=`` compares text). The Sheet check adds
one per column. No function of a cell inside: Gnumeric does not take a range as a
scalar function's argument in SUMPRODUCT (``TRIM(range)``, ``COUNTIF(range,range)``)."""

ACTIONS_TO_CHECK_FORMULA = ('IFERROR(COUNTIF({action_states},"check due")'
                            '+COUNTIF({action_states},"check key result"),-1)')
"""Actions whose State says check; -1 when the Actions sheet is gone (#REF!)."""

SHEET_CHECK_FORMULA = (
    'IFERROR(IF(COUNTA({titles})-SUM({counted})+COUNTA({objective_titles})-COUNT({objective_counts})>0,'
    'COUNTA({titles})-SUM({counted})+COUNTA({objective_titles})-COUNT({objective_counts})'
    '&" row(s) without formulas: see Guide",'
    'IF(SUM({shown})+SUM({objective_shown})+{team_shown}>0,'
    'SUM({shown})+SUM({objective_shown})+{team_shown}&" result(s) typed over: run okrsheet fix",'
    'IF(OR(NOT(ISNUMBER({green})),NOT(ISNUMBER({orange}))),"Green from and Orange from: type a percentage",'
    'IF(SUM({shared_ids})+SUM({objective_shared_ids})>0,'
    'SUM({shared_ids})+SUM({objective_shared_ids})&" row(s) share an ID: give each its own",'
    'IF({odd_confidences}>0,{odd_confidences}&" confidence(s) not high, medium or low",'
    'IF({actions_to_check}<0,"Actions sheet missing: run okrsheet fix",'
    'IF({actions_to_check}>0,{actions_to_check}&" action(s) to check: see State on Actions",'
    'IF(SUM({to_check})>0,SUM({to_check})&" key result(s) to check: see Input check","OK")))))))),'
    '"Error value in the table")'
)
"""Near the team score, the first of: rows a person added without formulas (inserted, or
typed below the ready rows), results typed over their formulas, thresholds that are not
numbers, IDs used twice, confidences outside the list, actions to check (or the Actions
sheet gone), key results whose inputs need checking; ``OK`` otherwise."""

SHOWN_FORMULA = ('IF({title}="",0,IF(ISNUMBER({shown_progress}),'
                 'IF(AND({shown_progress}={progress},{shown_status}={status_value}),0,1),1))')
"""Hidden: 1 when the visible Progress or Status is not the formula's (someone typed over it;
a status is compared as the sheet compares text, case ignored)."""

OBJECTIVE_SHOWN_FORMULA = ('IF({title}="",0,IF(AND({score}={score_value},'
                           '{status}=' + OBJECTIVE_STATUS_FORMULA + '),0,1))')

TEAM_SHOWN_FORMULA = ('IF(AND({team_score}=IFERROR(AVERAGE({score_values}),""),'
                      '{team_status}=' + TEAM_STATUS_FORMULA.replace("{score}", "{team_score}")
                      + '),0,1)')
"""1 when the team score or the team status is not its formula's (typed over)."""

OPEN_ACTIONS_FORMULA = ('IF(OR({title}="",{id}=""),"",COUNTIFS({action_krs},{id},'
                        '{action_titles},"<>",{action_done},"<>yes"))')
"""Actions on the Actions sheet naming this key result's id and not done."""

OVERDUE_ACTIONS_FORMULA = ('IF(OR({title}="",{id}=""),"",COUNTIFS({action_krs},{id},'
                           '{action_titles},"<>",{action_done},"<>yes",'
                           '{action_due},"<"&IF({as_of}="",TODAY(),{as_of})))')
"""Of those, the ones due before As of (today when blank)."""

ACTION_STATE_FORMULA = ('IF({title}="","",IF({done}="yes","done",'
                        'IF(AND({due}<>"",NOT(ISNUMBER({due}))),"check due",'
                        'IF(AND({key_result}<>"",COUNTIF({kr_ids},{key_result})=0),"check key result",'
                        'IF(AND(ISNUMBER({due}),{due}<IF({as_of}="",TODAY(),{as_of})),"overdue","open")))))')
"""An action's State: done, then a due date that is not a date or a key-result ID the OKRs
sheet does not have (both "check ..."), then overdue or open."""

ELAPSED_FORMULA = "MAX(0,MIN(1,({as_of}-{quarter_start}+1)/({quarter_end}-{quarter_start}+1)))"

PACE_FORMULA = (
    'IF({title}="","",IF({check}<>"","",IF(OR({current}="",{lagging}="yes"),"",'
    'IF(OR({type}="increase",{type}="decrease",{type}=""),'
    'IF({progress}>={elapsed}*{green},"on track",'
    'IF({progress}>={elapsed}*{orange},"at risk","behind")),""))))'
)

# The text of an alert (plugins/alert_text): titles, event lines, HTML escaping, truncation and
# the generic JSON body. All CTest names start with "alert_text:".
slob_add_unit_test(alert_text_tests
  SOURCES unit/alert_text_test.cpp
  LIBRARIES slob_alert_text
  PREFIX alert_text
  TIMEOUT 30)

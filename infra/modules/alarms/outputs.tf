output "alarm_names" {
  description = "Names of the alarms, by what they watch."
  value = merge(
    { for key, alarm in aws_cloudwatch_metric_alarm.metric : key => alarm.alarm_name },
    { for key, alarm in aws_cloudwatch_metric_alarm.expression : key => alarm.alarm_name },
  )
}

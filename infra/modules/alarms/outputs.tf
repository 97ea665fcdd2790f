output "alarm_names" {
  description = "Names of the alarms, by what they watch."
  value = {
    error_rate      = aws_cloudwatch_metric_alarm.error_rate.alarm_name
    p99_latency     = aws_cloudwatch_metric_alarm.p99_latency.alarm_name
    cpu             = aws_cloudwatch_metric_alarm.cpu.alarm_name
    db_free_storage = aws_cloudwatch_metric_alarm.db_free_storage.alarm_name
  }
}

output "alarm_names" {
  description = "Names of the alarms, by what they watch."
  value = {
    error_rate      = aws_cloudwatch_metric_alarm.error_rate.alarm_name
    healthy_hosts   = aws_cloudwatch_metric_alarm.healthy_hosts.alarm_name
    running_tasks   = aws_cloudwatch_metric_alarm.running_tasks.alarm_name
    p99_latency     = aws_cloudwatch_metric_alarm.p99_latency.alarm_name
    cpu             = aws_cloudwatch_metric_alarm.cpu.alarm_name
    db_cpu          = aws_cloudwatch_metric_alarm.db_cpu.alarm_name
    db_free_storage = aws_cloudwatch_metric_alarm.db_free_storage.alarm_name
    db_connections  = aws_cloudwatch_metric_alarm.db_connections.alarm_name
  }
}

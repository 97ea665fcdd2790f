# The alarms were one resource each before they became the two tables in main.tf.
moved {
  from = aws_cloudwatch_metric_alarm.error_rate
  to   = aws_cloudwatch_metric_alarm.expression["error_rate"]
}

moved {
  from = aws_cloudwatch_metric_alarm.healthy_hosts
  to   = aws_cloudwatch_metric_alarm.expression["healthy_hosts"]
}

moved {
  from = aws_cloudwatch_metric_alarm.running_tasks
  to   = aws_cloudwatch_metric_alarm.expression["running_tasks"]
}

moved {
  from = aws_cloudwatch_metric_alarm.p99_latency
  to   = aws_cloudwatch_metric_alarm.metric["p99_latency"]
}

moved {
  from = aws_cloudwatch_metric_alarm.cpu
  to   = aws_cloudwatch_metric_alarm.metric["cpu"]
}

moved {
  from = aws_cloudwatch_metric_alarm.db_free_storage
  to   = aws_cloudwatch_metric_alarm.metric["db_free_storage"]
}

moved {
  from = aws_cloudwatch_metric_alarm.db_cpu
  to   = aws_cloudwatch_metric_alarm.metric["db_cpu"]
}

moved {
  from = aws_cloudwatch_metric_alarm.db_connections
  to   = aws_cloudwatch_metric_alarm.metric["db_connections"]
}

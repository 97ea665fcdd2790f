output "topic_arn" {
  description = "SNS topic every alarm of the environment notifies."
  value       = aws_sns_topic.this.arn
}

output "alarm_names" {
  description = "Alarms on the shared load balancer, by what they watch."
  value       = { load_balancer_5xx_rate = aws_cloudwatch_metric_alarm.load_balancer_5xx_rate.alarm_name }
}

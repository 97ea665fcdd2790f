variable "name" {
  description = "Prefix of the alarm names."
  type        = string
}

variable "alarm_topic_arn" {
  description = "SNS topic notified when an alarm fires and when it clears (the environment's, modules/alerting)."
  type        = string
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the load balancer (LoadBalancer dimension)."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "ARN suffix of the target group (TargetGroup dimension)."
  type        = string
}

variable "cluster_name" {
  description = "ECS cluster of the service."
  type        = string
}

variable "service_name" {
  description = "ECS service whose tasks and CPU are watched."
  type        = string
}

variable "db_instance_identifier" {
  description = "RDS instance whose CPU, free storage and connections are watched."
  type        = string
}

variable "error_rate_percent" {
  description = "Share of requests answered 5xx by the targets, in percent, that fires the alarm."
  type        = number
  default     = 5
}

variable "p99_latency_seconds" {
  description = "p99 target response time in seconds that fires the alarm."
  type        = number
  default     = 1
}

variable "cpu_percent" {
  description = "Average service CPU in percent that fires the alarm."
  type        = number
  default     = 85
}

variable "db_free_storage_bytes" {
  description = "Free database storage in bytes below which the alarm fires."
  type        = number
  default     = 2147483648
}

variable "below_desired_minutes" {
  description = "Minutes in a row with fewer healthy or running tasks than desired before the alarm fires (a deploy or a scale-out briefly has fewer)."
  type        = number
  default     = 5
}

variable "db_cpu_percent" {
  description = "Average database CPU in percent that fires the alarm."
  type        = number
  default     = 80
}

variable "db_connections" {
  description = "Database connections that fire the alarm; about 80% of the instance's max_connections (RDS sets it from memory: roughly 110 for db.t4g.micro, 225 small, 450 medium)."
  type        = number
  default     = 80
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

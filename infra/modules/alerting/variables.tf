variable "name" {
  description = "Prefix of the topic and alarm names (<project>-<environment>)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the topic; its policy must let cloudwatch.amazonaws.com use it (modules/kms does)."
  type        = string
}

variable "emails" {
  description = "Addresses subscribed to the topic by e-mail (each confirms by a link AWS sends); empty subscribes nobody."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for email in var.emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "Give e-mail addresses such as oncall@example.com."
  }
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the environment's load balancer (LoadBalancer dimension)."
  type        = string
}

variable "error_rate_percent" {
  description = "Share of requests, in percent, answered 5xx by the load balancer itself that fires the alarm."
  type        = number
  default     = 5
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

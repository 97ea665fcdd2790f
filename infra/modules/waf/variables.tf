variable "name" {
  description = "Name of the web ACL (<project>-<environment>) and prefix of its metrics."
  type        = string
}

variable "token_path" {
  description = "Path of the endpoint that exchanges a password for a token; it gets the rate limit."
  type        = string
  default     = "/api/v1/auth/token"
}

variable "token_requests_per_window" {
  description = "Requests one IP address may send to token_path per window before WAF blocks it (WAF's minimum is 10)."
  type        = number
  default     = 100

  validation {
    condition     = var.token_requests_per_window >= 10
    error_message = "WAF rate limits start at 10 requests per window."
  }
}

variable "token_window_seconds" {
  description = "Window of the rate limit in seconds: 60, 120, 300 or 600."
  type        = number
  default     = 300

  validation {
    condition     = contains([60, 120, 300, 600], var.token_window_seconds)
    error_message = "WAF evaluates rates over 60, 120, 300 or 600 seconds."
  }
}

variable "kms_key_arn" {
  description = "KMS key of the WAF log group."
  type        = string
}

variable "log_retention_days" {
  description = "Days to keep WAF logs."
  type        = number
  default     = 90
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

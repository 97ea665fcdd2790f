variable "name" {
  description = "Name of the service the route leads to; names the target group (shortened with a hash beyond 32 characters)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the target group (the load balancer's)."
  type        = string
}

variable "listener_arn" {
  description = "Listener the rule is added to: the environment's serving listener (HTTPS, or HTTP in HTTP-only mode)."
  type        = string
}

variable "priority" {
  description = "Rule priority on the listener, unique per listener; lower numbers are evaluated first."
  type        = number

  validation {
    condition     = var.priority >= 1 && var.priority <= 50000 && floor(var.priority) == var.priority
    error_message = "A listener rule priority is a whole number from 1 to 50000."
  }
}

variable "path_patterns" {
  description = "Path patterns (ALB syntax, * and ? wildcards) sent to this service, for example [\"/api/v1/orders\", \"/api/v1/orders/*\"]."
  type        = list(string)

  validation {
    condition     = length(var.path_patterns) >= 1 && length(var.path_patterns) <= 5 && alltrue([for p in var.path_patterns : startswith(p, "/") && length(p) <= 128])
    error_message = "Give 1 to 5 path patterns, each starting with / and at most 128 characters."
  }
}

variable "target_port" {
  description = "Port the containers listen on."
  type        = number
  default     = 8000
}

variable "health_check_path" {
  description = "Path the target group polls; a 200 marks a task healthy."
  type        = string
  default     = "/health"
}

variable "deregistration_delay" {
  description = "Seconds in-flight requests get to finish when a task leaves the target group."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

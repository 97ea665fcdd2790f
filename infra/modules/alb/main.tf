locals {
  https          = var.certificate_arn != null
  listener_ports = local.https ? [80, 443] : [80]
  ingress = {
    for pair in setproduct(local.listener_ports, var.ingress_cidr_blocks) :
    "${pair[0]}-${pair[1]}" => { port = pair[0], cidr = pair[1] }
  }
}

resource "aws_security_group" "this" {
  name        = "${var.name}-alb"
  description = "Load balancer of ${var.name}: listeners open to the ingress ranges, egress only to the service"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-alb" })
}

resource "aws_vpc_security_group_ingress_rule" "listener" {
  for_each = local.ingress

  security_group_id = aws_security_group.this.id
  description       = "Clients to listener port ${each.value.port}"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr

  tags = var.tags
}

resource "aws_lb" "this" {
  name                       = var.name
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.subnet_ids
  security_groups            = [aws_security_group.this.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection

  dynamic "access_logs" {
    for_each = var.access_logs_retention_days > 0 ? [1] : []

    content {
      bucket  = aws_s3_bucket.access_logs[0].id
      prefix  = var.name
      enabled = true
    }
  }

  tags = var.tags

  # The load balancer checks on creation that it may write to the bucket.
  depends_on = [aws_s3_bucket_policy.access_logs]
}

resource "aws_lb_listener" "https" {
  count = local.https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  # Services add their rules (the API's, last, matches every path), so this answers only
  # while none is there yet.
  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "application/json"
      message_body = jsonencode({ message = "No service serves this path." })
      status_code  = "404"
    }
  }

  tags = var.tags
}

# With a certificate, port 80 only redirects to HTTPS; without one it is the serving listener.
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = local.https ? "redirect" : "fixed-response"

    dynamic "redirect" {
      for_each = local.https ? [1] : []

      content {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }

    dynamic "fixed_response" {
      for_each = local.https ? [] : [1]

      content {
        content_type = "application/json"
        message_body = jsonencode({ message = "No service serves this path." })
        status_code  = "404"
      }
    }
  }

  tags = var.tags
}

resource "aws_wafv2_web_acl_association" "this" {
  resource_arn = aws_lb.this.arn
  web_acl_arn  = var.web_acl_arn
}

"""Task-aligned assignment (TAL, as in TOOD / YOLOv8) + BCE classification + CIoU box loss."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def bbox_iou(b1, b2, ciou=False, eps=1e-7):
    """Element-wise IoU / CIoU of xyxy boxes (broadcastable [...,4])."""
    b1x1, b1y1, b1x2, b1y2 = b1.unbind(-1)
    b2x1, b2y1, b2x2, b2y2 = b2.unbind(-1)
    w1, h1 = (b1x2 - b1x1).clamp(min=eps), (b1y2 - b1y1).clamp(min=eps)
    w2, h2 = (b2x2 - b2x1).clamp(min=eps), (b2y2 - b2y1).clamp(min=eps)
    inter = (torch.min(b1x2, b2x2) - torch.max(b1x1, b2x1)).clamp(min=0) * \
            (torch.min(b1y2, b2y2) - torch.max(b1y1, b2y1)).clamp(min=0)
    union = w1 * h1 + w2 * h2 - inter + eps
    iou = inter / union
    if not ciou:
        return iou
    cw = torch.max(b1x2, b2x2) - torch.min(b1x1, b2x1)
    ch = torch.max(b1y2, b2y2) - torch.min(b1y1, b2y1)
    c2 = cw ** 2 + ch ** 2 + eps
    rho2 = ((b2x1 + b2x2 - b1x1 - b1x2) ** 2 + (b2y1 + b2y2 - b1y1 - b1y2) ** 2) / 4
    v = (4 / math.pi ** 2) * (torch.atan(w2 / h2) - torch.atan(w1 / h1)) ** 2
    with torch.no_grad():
        alpha = v / (v - iou + (1 + eps))
    return iou - (rho2 / c2 + v * alpha)


class TaskAlignedAssigner:
    def __init__(self, topk=10, alpha=0.5, beta=6.0, center_radius=1.0, eps=1e-9):
        self.topk, self.alpha, self.beta, self.r, self.eps = topk, alpha, beta, center_radius, eps

    @torch.no_grad()
    def __call__(self, pd_scores, pd_boxes, anchors, strides, gt_labels, gt_boxes, mask_gt):
        """pd_scores [B,N,C] (sigmoid), pd_boxes [B,N,4], anchors [N,2], strides [N,1],
        gt_labels [B,M] long, gt_boxes [B,M,4], mask_gt [B,M] bool.
        Returns target_boxes [B,N,4], target_scores [B,N,C], fg_mask [B,N] bool."""
        B, N, C = pd_scores.shape
        M = gt_boxes.shape[1]
        if M == 0:
            return (torch.zeros_like(pd_boxes), torch.zeros_like(pd_scores),
                    torch.zeros(B, N, dtype=torch.bool, device=pd_scores.device))
        ax, ay = anchors[:, 0].view(1, 1, N), anchors[:, 1].view(1, 1, N)
        gx1, gy1, gx2, gy2 = [gt_boxes[..., i:i + 1] for i in range(4)]  # [B,M,1]
        inside = (ax > gx1) & (ax < gx2) & (ay > gy1) & (ay < gy2)
        # small objects: also anchors close to the box centre (within center_radius strides)
        gcx, gcy = (gx1 + gx2) / 2, (gy1 + gy2) / 2
        st = strides.view(1, 1, N)
        near = ((ax - gcx).abs() < self.r * st) & ((ay - gcy).abs() < self.r * st)
        cand = (inside | near) & mask_gt.unsqueeze(-1)  # [B,M,N]

        ious = bbox_iou(gt_boxes.unsqueeze(2), pd_boxes.unsqueeze(1)).clamp(min=0)  # [B,M,N]
        ious = ious * cand
        lbl = gt_labels.clamp(min=0).unsqueeze(-1).expand(B, M, N)
        sc = pd_scores.transpose(1, 2).gather(1, lbl)  # [B,M,N]
        align = sc.pow(self.alpha) * ious.pow(self.beta) * cand

        k = min(self.topk, N)
        topv, topi = align.topk(k, dim=-1)
        mask_topk = torch.zeros_like(align, dtype=torch.bool).scatter_(-1, topi, topv > self.eps)
        # guarantee candidates even when all alignment scores are ~0 (early training): use top-k by cand+iou
        mask_pos = mask_topk & cand
        # anchors assigned to several gts -> keep the gt with highest IoU
        fg_cnt = mask_pos.sum(1)  # [B,N]
        if (fg_cnt > 1).any():
            multi = (fg_cnt > 1).unsqueeze(1).expand(B, M, N)
            best = ious.argmax(1)  # [B,N]
            is_best = torch.zeros_like(mask_pos).scatter_(1, best.unsqueeze(1), True)
            mask_pos = torch.where(multi, is_best & cand, mask_pos)
        fg = mask_pos.any(1)  # [B,N]
        gt_idx = mask_pos.float().argmax(1)  # [B,N]

        bidx = torch.arange(B, device=gt_boxes.device).unsqueeze(1)
        t_boxes = gt_boxes[bidx, gt_idx]  # [B,N,4]
        t_labels = gt_labels[bidx, gt_idx].clamp(min=0)
        t_scores = F.one_hot(t_labels, C).float() * fg.unsqueeze(-1)

        align = align * mask_pos
        pos_align = align.amax(-1, keepdim=True)  # [B,M,1]
        pos_iou = (ious * mask_pos).amax(-1, keepdim=True)
        norm = (align * pos_iou / (pos_align + self.eps)).amax(1)  # [B,N]
        t_scores = t_scores * norm.unsqueeze(-1)
        return t_boxes, t_scores, fg


class DetectionLoss:
    def __init__(self, num_classes=1, box_gain=7.5, cls_gain=0.5, lookalike_gain=1.0):
        """lookalike_gain: weight of the class-0 (pothole) term at anchors assigned to another class
        (a look-alike). Its target there is 0 anyway, as on any background; the gain makes "this is
        not a pothole" count more where the network is most tempted to say it is."""
        self.nc = num_classes
        self.lookalike_gain = lookalike_gain
        self.assigner = TaskAlignedAssigner()
        self.box_gain, self.cls_gain = box_gain, cls_gain
        self.bce = nn.BCEWithLogitsLoss(reduction="none")

    def __call__(self, outputs, gt_labels, gt_boxes, mask_gt, skip=None):
        """skip: optional bool [B,C], classes an image's source is not annotated for: their
        classification terms are left out on that image (neither positive nor negative)."""
        boxes, logits, anchors, strides = outputs
        t_boxes, t_scores, fg = self.assigner(logits.detach().sigmoid(), boxes.detach(), anchors, strides,
                                              gt_labels, gt_boxes, mask_gt)
        ts_sum = max(t_scores.sum().item(), 1.0)
        bce = self.bce(logits, t_scores)
        if self.nc > 1 and self.lookalike_gain != 1.0:
            lookalike = fg & (t_scores[..., 1:].sum(-1) > 0)  # [B,N]: anchors assigned to a look-alike
            w = torch.ones_like(bce)
            w[..., 0] = torch.where(lookalike, torch.full_like(w[..., 0], self.lookalike_gain), w[..., 0])
            bce = bce * w
        if skip is not None and bool(skip.any()):
            bce = bce * (~skip).unsqueeze(1).to(bce.dtype)
        loss_cls = bce.sum() / ts_sum
        if fg.any():
            w = t_scores.sum(-1)[fg]
            ciou = bbox_iou(boxes[fg], t_boxes[fg], ciou=True)
            loss_box = ((1.0 - ciou) * w).sum() / ts_sum
        else:
            loss_box = boxes.sum() * 0.0
        total = self.box_gain * loss_box + self.cls_gain * loss_cls
        return total, loss_box.detach(), loss_cls.detach()

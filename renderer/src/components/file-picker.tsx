import { Button, makeStyles, tokens } from '@fluentui/react-components';
import { useRef, type ReactElement } from 'react';

/** A button that opens the system file picker (files, or a folder); the input itself stays hidden. */

const useStyles = makeStyles({
  root: { display: 'inline-flex', alignItems: 'center', gap: '8px', minWidth: 0 },
  input: { position: 'absolute', width: '1px', height: '1px', opacity: 0, overflow: 'hidden', pointerEvents: 'none' },
  name: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', maxWidth: '320px' },
});

export interface FilePickerProps {
  label: string;
  accept?: string;
  folder?: boolean;
  icon?: ReactElement;
  fileName?: string | null;
  disabled?: boolean;
  onFiles: (files: File[]) => void;
}

export function FilePicker({ label, accept, folder = false, icon, fileName, disabled = false, onFiles }: FilePickerProps) {
  const styles = useStyles();
  const input = useRef<HTMLInputElement>(null);
  const folderProps = folder ? ({ webkitdirectory: '', directory: '' } as Record<string, string>) : {};
  return (
    <span className={styles.root}>
      <input
        ref={input}
        className={styles.input}
        type="file"
        tabIndex={-1}
        aria-hidden="true"
        {...(accept ? { accept } : {})}
        {...folderProps}
        multiple={folder}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length) onFiles(files);
        }}
      />
      <Button {...(icon ? { icon } : {})} disabled={disabled} onClick={() => input.current?.click()}>
        {label}
      </Button>
      {fileName ? <span className={styles.name}>{fileName}</span> : null}
    </span>
  );
}
